package io.cloudprovisioner.deployment.runtime.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quoting: hostile words reach a real /bin/sh as exactly one word each, unchanged. */
class ShellTest {
    static final List<String> HOSTILE = List.of("plain", "", " ", "a b", "it's", "'", "''", "\"", "$HOME", "${PATH}",
            "`id`", "$(id)", "a|b", "a;b", "a&&b", "a\nb", "a\r\nb", "trailing\n", "\\", "\\'", "*", "?", "~", "-e",
            "--rm", "ünïcødé ✓", "tab\there", "#comment", "!bang", "{a,b}", "<in", ">out");

    @Test
    void quotesAreSingleQuotesWithEmbeddedQuotesEscaped() {
        assertEquals("'plain'", Shell.quote("plain"));
        assertEquals("''", Shell.quote(""));
        assertEquals("'it'\\''s'", Shell.quote("it's"));
        assertEquals("'$(id)'", Shell.quote("$(id)"));
        assertEquals("'a' 'b c' ''\\'''", Shell.join(List.of("a", "b c", "'")));
        assertEquals("/bin/sh -c 'echo '\\''x'\\'''", Shell.sh("echo 'x'"));
    }

    @Test
    void nulIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Shell.quote("a\0b"));
    }

    @Test
    void everyHostileWordReachesARealShellUnchanged() throws Exception {
        for (String w : HOSTILE) {
            // printf prints its one argument between markers; a split or expanded word would show
            byte[] out = sh("printf '[%s]' " + Shell.quote(w));
            assertArrayEquals(("[" + w + "]").getBytes(StandardCharsets.UTF_8), out, () -> "word " + w);
        }
        byte[] all = sh("printf '[%s]' " + Shell.join(HOSTILE));
        StringBuilder expected = new StringBuilder();
        HOSTILE.forEach(w -> expected.append('[').append(w).append(']'));
        assertEquals(expected.toString(), new String(all, StandardCharsets.UTF_8));
    }

    @Test
    void shWrapsAScriptThatStaysOneArgument() throws Exception {
        byte[] out = sh(Shell.sh("printf '%s|' \"$0\" 'x y' `printf z`"));
        assertEquals("sh|x y|z|", new String(out, StandardCharsets.UTF_8).replace("/bin/sh|", "sh|"));
    }

    static byte[] sh(String commandLine) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", commandLine).redirectErrorStream(true).start();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        p.getInputStream().transferTo(b);
        assertEquals(0, p.waitFor(), () -> "exit of " + commandLine + ": " + b);
        return b.toByteArray();
    }
}
