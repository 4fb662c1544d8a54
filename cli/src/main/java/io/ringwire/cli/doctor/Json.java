package io.ringwire.cli.doctor;

import java.util.List;

/** The doctor's report as JSON; small enough not to need a JSON library. */
final class Json {
    private Json() {
    }

    /**
     * {@code {"status": WORST, "exit_code": N, "findings": [{"check", "status", "detail", "fix"}...]}},
     * where {@code fix} is null for OK findings. The same findings, in the same order, as the text report.
     */
    static String report(List<Finding> findings) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"status\":").append(string(Doctor.worst(findings).name()))
                .append(",\"exit_code\":").append(Doctor.exitCode(findings))
                .append(",\"findings\":[");
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            sb.append(i == 0 ? "\n  " : ",\n  ")
                    .append("{\"check\":").append(string(f.check()))
                    .append(",\"status\":").append(string(f.status().name()))
                    .append(",\"detail\":").append(string(f.detail()))
                    .append(",\"fix\":").append(f.fix() == null ? "null" : string(f.fix()))
                    .append('}');
        }
        return sb.append("\n]}").toString();
    }

    static String string(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
