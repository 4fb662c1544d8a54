package io.ringwire.bench.zerocopy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Samples of one configuration: bytes moved, wall time, loop CPU time; reported as medians. */
final class Sample {
    final List<Double> gibPerSecond = new ArrayList<>();
    final List<Double> cpuSecondsPerGib = new ArrayList<>();

    void add(long bytes, long wallNanos, long cpuNanos) {
        double gib = bytes / (double) (1L << 30);
        gibPerSecond.add(gib / (wallNanos / 1e9));
        cpuSecondsPerGib.add(cpuNanos / 1e9 / gib);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** One table: configuration, median GiB/s, median loop CPU seconds per GiB, samples. */
    static void print(String title, Map<String, Sample> samples) {
        System.out.println();
        System.out.println("## " + title);
        System.out.println("| configuration | GiB/s (median) | loop CPU s/GiB (median) | samples |");
        System.out.println("|---|---|---|---|");
        samples.forEach((name, s) -> System.out.println(String.format(Locale.ROOT, "| %s | %.2f | %.3f | %d |", name,
                median(s.gibPerSecond), median(s.cpuSecondsPerGib), s.gibPerSecond.size())));
    }

    static Map<String, Sample> table() {
        return new LinkedHashMap<>();
    }
}
