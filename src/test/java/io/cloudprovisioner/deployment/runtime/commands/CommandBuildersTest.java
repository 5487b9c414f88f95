package io.cloudprovisioner.deployment.runtime.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command families: what each builds, and what each parses back. */
class CommandBuildersTest {
    static ContainerSpec spec(String publish, boolean readOnly, String user) {
        return new ContainerSpec("cp-web-0a1b2c3d4e", "registry.example:5000/team/web:1.2", List.of("A", "B_2"),
                List.of(new ContainerSpec.Port(8080, false), new ContainerSpec.Port(5353, true)),
                List.of("serve", "--flag=$(x)"), 1.5, 512, "always", 256, readOnly, List.of("/tmp"), user,
                Map.of("managed-by", "cloud-provisioner", "io.cloudprovisioner.blueprint-id", "web"), publish);
    }

    @Test
    void podmanRunIsHardenedLimitedLabelledAndTakesEnvByName() {
        List<String> a = RunCommand.argv("/usr/bin/podman", ContainerRuntimeKind.PODMAN, spec("0.0.0.0", false, null));
        assertEquals(List.of("/usr/bin/podman", "run", "--detach", "--name", "cp-web-0a1b2c3d4e", "--pull", "never",
                "--init", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--pids-limit", "256",
                "--restart", "always", "--http-proxy=false", "--cpus", "1.500", "--memory", "512m",
                "--label", "io.cloudprovisioner.blueprint-id=web", "--label", "managed-by=cloud-provisioner",
                "--publish", "8080:8080/tcp", "--publish", "5353:5353/udp", "--env", "A", "--env", "B_2",
                "registry.example:5000/team/web:1.2", "serve", "--flag=$(x)"), a);
    }

    @Test
    void loopbackPublishingReadOnlyRootAndUserWhenConfigured() {
        List<String> a = RunCommand.argv("/usr/bin/docker", ContainerRuntimeKind.DOCKER, spec("127.0.0.1", true,
                "1000:1000"));
        assertFalse(a.contains("--http-proxy=false"), "docker has no such flag");
        assertTrue(String.join(" ", a).contains("--publish 127.0.0.1:8080:8080/tcp --publish 127.0.0.1:5353:5353/udp"));
        assertTrue(String.join(" ", a).contains("--read-only --tmpfs /tmp --user 1000:1000"));
        List<String> noLimits = RunCommand.argv("podman", ContainerRuntimeKind.PODMAN, new ContainerSpec("n", "i",
                List.of(), List.of(), List.of(), 0, 0, "on-failure:3", 64, false, List.of("/tmp"), null, Map.of(),
                "0.0.0.0"));
        assertFalse(noLimits.contains("--cpus") || noLimits.contains("--memory") || noLimits.contains("--read-only"));
        assertEquals("i", noLimits.get(noLimits.size() - 1));
    }

    @Test
    void envWrapperReadsFilesExportsRemovesTheDirectoryThenExecs() {
        String line = EnvWrapper.line("/d ir", List.of("A", "B_2"), List.of("/usr/bin/podman", "run", "x'y"));
        assertTrue(line.startsWith("/bin/sh -c '"));
        assertEquals("/d ir/env-1", EnvWrapper.file("/d ir", 1));
        assertThrows(IllegalArgumentException.class, () -> EnvWrapper.line("/d", List.of("A;rm -rf /"), List.of("x")));
        assertThrows(IllegalArgumentException.class, () -> EnvWrapper.line("/d", List.of("1A"), List.of("x")));
    }

    @Test
    void envWrapperDeliversExactBytesThroughARealShell() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("envwrap");
        String[] values = {"a'b\"c$d`e`|f;g", "line1\nline2\n\n", "crlf\r\n", "ünï ✓", "", "\\n stays"};
        List<String> names = List.of("V0", "V1", "V2", "V3", "V4", "V5");
        for (int i = 0; i < values.length; i++) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(EnvWrapper.file(dir.toString(), i)), values[i]);
        }
        List<String> standIn = List.of("/bin/sh", "-c", "for n in V0 V1 V2 V3 V4 V5; do eval \"printf %s \\\"\\$$n\\\"\""
                + " | od -An -tx1 -v | tr -d ' \\n'; echo; done");
        String out = new String(ShellTest.sh(EnvWrapper.line(dir.toString(), names, standIn)), StandardCharsets.UTF_8);
        String[] lines = out.split("\n", -1);
        for (int i = 0; i < values.length; i++) {
            assertEquals(hex(values[i]), lines[i], "value " + i);
        }
        assertFalse(java.nio.file.Files.exists(dir), "the wrapper removed the env files before exec");
    }

    static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void portsAndStateAreParsedFromTheEngineOutput() {
        List<InspectCommands.Published> p = InspectCommands.parsePorts("8080/tcp -> 0.0.0.0:8080\n"
                + "8080/tcp -> [::]:8080\n5353/udp -> 127.0.0.1:15353\ngarbage\n");
        assertEquals(List.of(new InspectCommands.Published(8080, "tcp", "0.0.0.0", 8080),
                new InspectCommands.Published(5353, "udp", "127.0.0.1", 15353)), p);
        assertEquals(Collections.emptyList(), InspectCommands.parsePorts(""));
        InspectCommands.State s = InspectCommands.parseState("0123456789abcdef0123 true 4242 1\n");
        assertEquals(new InspectCommands.State("0123456789abcdef0123", true, 4242, 1), s);
        assertNull(InspectCommands.parseState("Error: no such container"));
        assertEquals("/usr/bin/podman 'inspect' '--type' 'container' '--format' "
                + "'{{.Id}} {{.State.Running}} {{.State.Pid}} {{.RestartCount}}' 'c'",
                InspectCommands.state("/usr/bin/podman", "c").replaceFirst("^'/usr/bin/podman'", "/usr/bin/podman"));
    }

    @Test
    void detectRemoveImageLogsAndFileCommands() {
        assertEquals(new DetectCommand.Detected(ContainerRuntimeKind.PODMAN, "/usr/bin/podman"),
                DetectCommand.parse("podman /usr/bin/podman\n"));
        assertEquals(ContainerRuntimeKind.DOCKER, DetectCommand.parse("docker /usr/local/bin/docker").kind());
        assertNull(DetectCommand.parse("podman relative/path"));
        assertNull(DetectCommand.parse("sh: not found"));
        assertEquals("'podman' 'rm' '--force' '--ignore' '--time' '5' 'c;x'", RemoveCommand.line("podman",
                ContainerRuntimeKind.PODMAN, "c;x"));
        assertTrue(RemoveCommand.line("docker", ContainerRuntimeKind.DOCKER, "c").contains("No such container"));
        assertEquals("'podman' 'image' 'exists' 'a/b:c'", ImageCommands.exists("podman", ContainerRuntimeKind.PODMAN,
                "a/b:c"));
        assertEquals("'podman' 'pull' '--quiet' 'a/b:c'", ImageCommands.pull("podman", "a/b:c"));
        assertEquals("'podman' 'logs' '--tail' '20' 'c'", LogsCommand.tail("podman", "c", 20));
        assertEquals("'rm' '-rf' '--' 'a b'", FileCommands.removeDir("a b"));
        assertEquals("'mkdir' '-p' '-m' '700' '--' 'd' && 'chmod' '700' '--' 'd'", FileCommands.makePrivateDir("d"));
    }

    @Test
    void detectFindsAnEngineOnThePathOrExits127() throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", DetectCommand.line()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc == 0) {
            DetectCommand.Detected d = DetectCommand.parse(out);
            assertTrue(d != null && java.nio.file.Files.isExecutable(java.nio.file.Path.of(d.path())), out);
        } else {
            assertEquals(127, rc);
        }
    }
}
