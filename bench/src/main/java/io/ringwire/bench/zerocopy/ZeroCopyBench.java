package io.ringwire.bench.zerocopy;

import io.ringwire.Backend;

/**
 * The zero-copy comparison: file serving (sendFile against a copy through Java) and proxying
 * (splice against copying), on epoll and io_uring, as throughput and loop CPU time per GiB.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     io.ringwire.bench.zerocopy.ZeroCopyBench [ROUNDS [FILE_MIB [FILES_PER_SAMPLE [PROXY_MIB]]]]
 * </pre>
 * Defaults: 5 rounds, a 64 MiB file served 8 times per sample, 512 MiB per proxy sample. Loopback
 * moves bytes at memory speed, so the saving shows in CPU per GiB more than in GiB/s.
 */
public final class ZeroCopyBench {
    private ZeroCopyBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int fileMiB = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int files = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int proxyMiB = args.length > 3 ? Integer.parseInt(args[3]) : 512;
        Backend[] backends = {Backend.EPOLL, Backend.IO_URING};
        System.out.println("# ringwire zero-copy benchmark: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("os.version"));
        FileServeBench.run(backends, rounds, fileMiB, files);
        ProxyBench.run(backends, rounds, proxyMiB);
    }
}
