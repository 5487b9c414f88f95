package io.cloudprovisioner.harness.digitalocean;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The stand-in's /v2/sizes changes a test made: sizes listed (by slug) and slugs withdrawn. Thread-safe. */
final class SizeListing {
    private final Map<String, ObjectNode> listed = new LinkedHashMap<>();
    private final Set<String> withdrawn = new TreeSet<>();

    synchronized void put(ObjectNode size) {
        String slug = size.path("slug").asText();
        withdrawn.remove(slug);
        listed.put(slug, size);
    }

    synchronized void withdraw(String slug) {
        listed.remove(slug);
        withdrawn.add(slug);
    }

    synchronized void clear() {
        listed.clear();
        withdrawn.clear();
    }

    /** {@code recorded} with this listing's changes: replaced in place, new sizes appended, withdrawn ones left out. */
    synchronized List<ObjectNode> apply(List<ObjectNode> recorded) {
        List<ObjectNode> out = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (ObjectNode s : recorded) {
            String slug = s.path("slug").asText();
            if (withdrawn.contains(slug)) {
                continue;
            }
            seen.add(slug);
            out.add(listed.getOrDefault(slug, s));
        }
        listed.forEach((slug, s) -> {
            if (!seen.contains(slug)) {
                out.add(s);
            }
        });
        return out;
    }
}
