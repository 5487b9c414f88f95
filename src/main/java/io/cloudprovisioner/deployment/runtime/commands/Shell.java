package io.cloudprovisioner.deployment.runtime.commands;

import java.util.List;

/**
 * The one place where words become a POSIX shell command line: every word is single-quoted (a single quote inside
 * is written as {@code '\''}), so no value, however hostile, is ever interpreted by the remote shell.
 */
public final class Shell {
    private Shell() {
    }

    /** One word, quoted for a POSIX shell. NUL cannot be passed to a shell at all and is refused. */
    public static String quote(String word) {
        if (word.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell word cannot contain NUL");
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Words joined into one command line, each quoted. */
    public static String join(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(quote(w));
        }
        return b.toString();
    }

    /** Runs a script with /bin/sh, whatever the login shell is: {@code /bin/sh -c 'script'}. */
    public static String sh(String script) {
        return "/bin/sh -c " + quote(script);
    }
}
