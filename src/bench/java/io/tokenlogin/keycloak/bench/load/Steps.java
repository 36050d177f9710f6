package io.tokenlogin.keycloak.bench.load;

/** Timestamps of the steps of one sign-in ({@link #mark} after each request), for the per-step latency breakdown. */
final class Steps {

    final String[] names = new String[16];
    final long[] nanos = new long[16];
    int count;
    private long last;

    void start(long now) {
        count = 0;
        last = now;
    }

    /** The step that just ended: its duration since the previous mark (or the start). */
    void mark(String name) {
        long now = System.nanoTime();
        if (count < names.length) {
            names[count] = name;
            nanos[count] = now - last;
            count++;
        }
        last = now;
    }
}
