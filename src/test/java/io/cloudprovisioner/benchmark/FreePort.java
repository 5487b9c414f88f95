package io.cloudprovisioner.benchmark;

/** Prints {@code n} (default 1) distinct free loopback ports, space-separated; used by {@code bench/run.sh}. */
public final class FreePort {
    private FreePort() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        StringBuilder b = new StringBuilder();
        for (int p : BenchGrpc.freePorts(n)) {
            b.append(b.length() == 0 ? "" : " ").append(p);
        }
        System.out.println(b);
    }
}
