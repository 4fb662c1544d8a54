package io.ringwire.bench.peers;

/**
 * The command line every JDK peer server of bench/compare takes:
 * {@code --mode echo|http [--host 127.0.0.1] [--port 0]}; a bad argument prints one line and exits 2.
 *
 * @param mode "echo" or "http"
 * @param host the address to bind
 * @param port the port, 0 for a free one
 */
record PeerArgs(String mode, String host, int port) {

    static PeerArgs parse(String prog, String[] args) {
        String mode = "echo", host = "127.0.0.1";
        int port = 0;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) usage(prog, "missing value for " + args[i]);
            String v = args[i + 1];
            switch (args[i]) {
                case "--mode" -> mode = v;
                case "--host" -> host = v;
                case "--port" -> {
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        usage(prog, "bad value for --port: " + v);
                    }
                }
                default -> usage(prog, "unknown argument " + args[i]);
            }
        }
        if (!mode.equals("echo") && !mode.equals("http")) usage(prog, "--mode must be echo or http, not " + mode);
        return new PeerArgs(mode, host, port);
    }

    /** The CLI contract's ready line, flushed: the runner reads the port from it. */
    void ready(int boundPort, String backend) {
        System.out.println("listening " + mode + " " + host + ":" + boundPort + " backend=" + backend + " threads=1");
        System.out.flush();
    }

    private static void usage(String prog, String msg) {
        System.err.println(prog + ": " + msg);
        System.exit(2);
    }
}
