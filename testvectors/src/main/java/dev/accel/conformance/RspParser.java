package dev.accel.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal parser for NIST CAVP response files: {@code # comments}, {@code [name = value]} section headers,
 * {@code name = value} lines, bare words (e.g. {@code FAIL}) and blank-line separated records.
 */
final class RspParser {

    record Record(int line, Map<String, String> section, Map<String, String> fields) {
        String get(String key) {
            return fields.get(key);
        }

        boolean has(String key) {
            return fields.containsKey(key);
        }
    }

    record Parsed(List<String> comments, List<Record> records) {
    }

    private RspParser() {
    }

    static Parsed parse(Path file) throws IOException {
        List<String> comments = new ArrayList<>();
        List<Record> records = new ArrayList<>();
        Map<String, String> section = new LinkedHashMap<>();
        Map<String, String> fields = new LinkedHashMap<>();
        int start = 0;
        int n = 0;
        for (String raw : Files.readAllLines(file)) {
            n++;
            String line = raw.strip();
            if (line.startsWith("#")) {
                comments.add(line.substring(1).strip());
                continue;
            }
            if (line.isEmpty()) {
                if (!fields.isEmpty()) {
                    records.add(new Record(start, Map.copyOf(section), fields));
                    fields = new LinkedHashMap<>();
                }
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                if (!fields.isEmpty()) {
                    records.add(new Record(start, Map.copyOf(section), fields));
                    fields = new LinkedHashMap<>();
                }
                String inner = line.substring(1, line.length() - 1);
                int eq = inner.indexOf('=');
                if (eq < 0) {
                    section.put(inner.strip(), "");
                } else {
                    section.put(inner.substring(0, eq).strip(), inner.substring(eq + 1).strip());
                }
                continue;
            }
            if (fields.isEmpty()) {
                start = n;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                fields.put(line, "");
            } else {
                fields.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        if (!fields.isEmpty()) {
            records.add(new Record(start, Map.copyOf(section), fields));
        }
        return new Parsed(comments, records);
    }
}
