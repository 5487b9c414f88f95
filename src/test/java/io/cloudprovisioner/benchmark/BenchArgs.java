package io.cloudprovisioner.benchmark;

import java.util.HashMap;
import java.util.Map;

/** {@code --name=value} arguments of the benchmark mains; anything else is positional. */
final class BenchArgs {
    private final Map<String, String> named = new HashMap<>();
    private final java.util.List<String> positional = new java.util.ArrayList<>();

    BenchArgs(String[] args) {
        for (String a : args) {
            if (a.startsWith("--") && a.contains("=")) {
                int eq = a.indexOf('=');
                named.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (a.startsWith("--")) {
                named.put(a.substring(2), "true");
            } else {
                positional.add(a);
            }
        }
    }

    String str(String name, String def) {
        return named.getOrDefault(name, def);
    }

    int integer(String name, int def) {
        String v = named.get(name);
        return v == null ? def : Integer.parseInt(v);
    }

    long longValue(String name, long def) {
        String v = named.get(name);
        return v == null ? def : Long.parseLong(v);
    }

    double dbl(String name, double def) {
        String v = named.get(name);
        return v == null ? def : Double.parseDouble(v);
    }

    String positional(int i, String def) {
        return i < positional.size() ? positional.get(i) : def;
    }
}
