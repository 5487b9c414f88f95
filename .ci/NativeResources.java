import java.nio.file.*;
import java.util.*;
import java.util.regex.*;

/**
 * Checks that each resource named on the command line is matched by an include pattern native-image will use:
 * the "pattern" entries of every resource-config.json under the given metadata directory (regular expressions,
 * often with \Q...\E quoting; Quarkus turns globs such as catalog/*.csv into catalog/[^/]*\.csv) and any
 * -H:IncludeResources=... argument in native-image.args. Prints one line per resource; exit 1 when any is missing.
 * Usage: java NativeResources.java <native-image.args> <metadata-dir> <resource>...
 */
public class NativeResources {
    public static void main(String[] args) throws Exception {
        List<Pattern> includes = new ArrayList<>();
        Pattern jsonPattern = Pattern.compile("\"pattern\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
        try (var files = Files.walk(Path.of(args[1]))) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("resource-config.json")).toList()) {
                Matcher m = jsonPattern.matcher(Files.readString(f));
                while (m.find()) includes.add(Pattern.compile(unescapeJson(m.group(1))));
            }
        }
        for (String arg : Files.readString(Path.of(args[0])).split("\\s+")) {
            if (arg.startsWith("-H:IncludeResources=")) includes.add(Pattern.compile(arg.substring(20)));
        }
        System.out.println("include patterns: " + includes.size());
        boolean ok = true;
        for (int i = 2; i < args.length; i++) {
            String res = args[i];
            Optional<Pattern> hit = includes.stream().filter(p -> p.matcher(res).matches()).findFirst();
            if (hit.isPresent()) System.out.println("resource ok: " + res + "  (pattern " + hit.get() + ")");
            else { System.err.println("resource NOT included: " + res); ok = false; }
        }
        System.exit(ok ? 0 : 1);
    }

    private static String unescapeJson(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'u' -> { b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)); i += 4; }
                    default -> b.append(n);
                }
            } else b.append(c);
        }
        return b.toString();
    }
}
