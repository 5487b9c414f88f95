package io.cloudprovisioner.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A small RFC-4180 reader for the bundled catalog files (quoted fields, doubled quotes, no embedded newlines). */
final class Csv {
    private final Map<String, Integer> columns = new HashMap<>();
    private final BufferedReader reader;
    private final String name;
    private List<String> current;
    private int line;

    Csv(BufferedReader reader, String name) throws IOException {
        this.reader = reader;
        this.name = name;
        String header = reader.readLine();
        if (header == null) {
            throw new IOException(name + ": empty file");
        }
        List<String> cols = split(header);
        for (int i = 0; i < cols.size(); i++) {
            columns.put(cols.get(i), i);
        }
        line = 1;
    }

    boolean next() throws IOException {
        String l;
        do {
            l = reader.readLine();
            line++;
            if (l == null) {
                return false;
            }
        } while (l.isEmpty());
        current = split(l);
        return true;
    }

    String get(String column) {
        Integer i = columns.get(column);
        if (i == null) {
            throw new IllegalStateException(name + ": no column " + column);
        }
        return i < current.size() ? current.get(i) : "";
    }

    /** Whether the header names {@code column} (for columns added to the format later, optional in older files). */
    boolean has(String column) {
        return columns.containsKey(column);
    }

    double getDouble(String column) {
        String v = get(column);
        try {
            return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + ":" + line + ": " + column + " is not a number: " + v, e);
        }
    }

    int getInt(String column) {
        String v = get(column);
        try {
            return v.isEmpty() ? 0 : (int) Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + ":" + line + ": " + column + " is not a number: " + v, e);
        }
    }

    boolean getBoolean(String column) {
        return "true".equalsIgnoreCase(get(column));
    }

    String where() {
        return name + ":" + line;
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString());
        return out;
    }
}
