package io.cloudprovisioner.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifests under deploy/ agree with the application they run: ports, probe paths, data directory and volumes,
 * the environment variables the application really reads, hardening, and no secret written in them.
 * {@code SidecarManifestIT} then starts the packaged application with the sidecar's environment.
 */
class DeployManifestsTest {
    private static final Pattern SECRET_NAME = Pattern.compile("(?i)(?!.*_(file|location|path|dir)$).*(password|secret|token"
            + "|access_key|api_key|private_key).*");

    @ParameterizedTest
    @ValueSource(strings = {"kubernetes/sidecar.yaml", "kubernetes/service.yaml"})
    void serviceContainerMatchesTheApplication(String file) throws Exception {
        PodSpec pod = DeployManifests.podSpec(DeployManifests.DIR.resolve(file));
        Container c = DeployManifests.serviceContainer(pod);
        Map<String, String> env = DeployManifests.env(c);
        Map<String, String> props = DeployManifests.applicationProperties();

        // the variables it sets are ones the application reads (a typo would silently change nothing)
        for (String name : env.keySet()) {
            if (name.startsWith("CLOUDPROVISIONER_")) {
                assertTrue(DeployManifests.knownVariable(name), file + ": " + name + " is not read by the application");
            }
        }
        // port: the one the application listens on, the one the probes and the Service use
        int port = Integer.parseInt(env.get("CLOUDPROVISIONER_GRPC_PORT"));
        assertEquals(String.valueOf(port),
                DeployManifests.placeholderDefault(props.get("quarkus.http.port"), "CLOUDPROVISIONER_GRPC_PORT"));
        assertTrue(DeployManifests.dockerfile("Dockerfile.jvm", "EXPOSE").contains(String.valueOf(port)));
        String host = env.get("CLOUDPROVISIONER_GRPC_HOST");
        assertTrue(Set.of("127.0.0.1", "0.0.0.0").contains(host), file + ": host " + host);
        for (ContainerPort p : c.getPorts()) {
            assertEquals(port, p.getContainerPort(), file);
            assertNull(p.getHostPort(), file + ": no host port");
        }

        // probes: the health endpoints, on that port, each of the right kind
        probe(file, c.getStartupProbe(), "/q/health/started", port, host, c);
        probe(file, c.getLivenessProbe(), "/q/health/live", port, host, c);
        probe(file, c.getReadinessProbe(), "/q/health/ready", port, host, c);

        // data directory: the images' VOLUME, mounted from a volume the pod declares; /tmp writable (HOME)
        String dataDir = env.get("CLOUDPROVISIONER_DATA_DIR");
        for (String dockerfile : List.of("Dockerfile.jvm", "Dockerfile.native", "Dockerfile.native-micro")) {
            List<String> vol = DeployManifests.dockerfile(dockerfile, "VOLUME");
            assertTrue(vol.contains(dataDir) && vol.contains("/tmp"), dockerfile + " VOLUMEs " + vol);
        }
        assertEquals("/tmp", env.get("HOME"), file);
        Set<String> volumes = new HashSet<>();
        for (Volume v : pod.getVolumes()) {
            volumes.add(v.getName());
        }
        Set<String> mounts = new HashSet<>();
        for (VolumeMount m : c.getVolumeMounts()) {
            assertTrue(volumes.contains(m.getName()), file + ": no volume " + m.getName());
            mounts.add(m.getMountPath());
        }
        assertTrue(mounts.contains(dataDir) && mounts.contains("/tmp"), file + ": mounts " + mounts);

        // hardening: non-root, read-only root, no privilege escalation, no capabilities, limits set
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), file);
        assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), file);
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), file);
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), file);
        assertTrue(c.getResources().getRequests().keySet().containsAll(Set.of("cpu", "memory")), file);
        assertTrue(c.getResources().getLimits().containsKey("memory"), file);

        // no secret in the file: secret-looking variables come from Secrets, never as literal values
        for (EnvVar e : c.getEnv()) {
            assertFalse(e.getValue() != null && SECRET_NAME.matcher(e.getName()).matches(),
                    file + ": literal value for " + e.getName());
        }
        // TLS from PEM files: on the one port, plaintext refused, the files mounted, the probes speaking HTTPS
        // the map key of quarkus.tls.key-store.pem."0".cert is written __0__ in a variable name: Quarkus ignores
        // QUARKUS_TLS_KEY_STORE_PEM_0_CERT (and then refuses to start: insecure-requests disabled without TLS)
        assertFalse(env.keySet().stream().anyMatch(n -> n.matches("QUARKUS_TLS_KEY_STORE_PEM_[0-9]+_.*")),
                file + ": QUARKUS_TLS_KEY_STORE_PEM__<n>__CERT / __KEY");
        if (env.containsKey("QUARKUS_TLS_KEY_STORE_PEM__0__CERT")) {
            assertEquals(String.valueOf(port), env.get("QUARKUS_HTTP_SSL_PORT"), file + ": TLS on the one port");
            assertEquals("disabled", env.get("QUARKUS_HTTP_INSECURE_REQUESTS"), file + ": plaintext refused");
            for (String pem : List.of("QUARKUS_TLS_KEY_STORE_PEM__0__CERT", "QUARKUS_TLS_KEY_STORE_PEM__0__KEY")) {
                String f = env.get(pem);
                assertNotNull(f, file + ": " + pem);
                assertTrue(mounts.stream().anyMatch(m -> f.startsWith(m + "/")), file + ": " + pem + " not mounted");
            }
            for (Probe pr : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
                assertEquals("HTTPS", pr.getHttpGet().getScheme(), file + ": probes over TLS");
            }
        }
        // a non-loopback bind needs authentication, else the service refuses to start (README "Security")
        if (host.equals("0.0.0.0")) {
            String keys = env.get("CLOUDPROVISIONER_API_KEYS_FILE");
            assertNotNull(keys, file + ": a non-loopback bind needs authentication");
            assertTrue(mounts.stream().anyMatch(m -> keys.startsWith(m + "/")), file + ": API keys file not mounted");
        } else {
            assertTrue(c.getPorts().isEmpty(), file + ": a loopback sidecar publishes no port");
        }
    }

    private static void probe(String file, Probe probe, String path, int port, String host, Container c) {
        assertNotNull(probe, file + ": " + path + " probe");
        if (probe.getHttpGet() != null) {
            assertEquals(path, probe.getHttpGet().getPath(), file);
            assertEquals(port, resolve(probe.getHttpGet().getPort(), c), file);
            assertEquals("0.0.0.0", host, file + ": kubelet reaches only a non-loopback listener");
        } else {
            // the probe runs inside the container (the JVM image has curl), so a loopback listener is reachable
            List<String> cmd = probe.getExec().getCommand();
            assertEquals("curl", cmd.get(0), file);
            assertTrue(cmd.contains("http://127.0.0.1:" + port + path), file + ": " + cmd);
        }
    }

    private static int resolve(IntOrString port, Container c) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .map(ContainerPort::getContainerPort).orElseThrow(() -> new AssertionError("no port " + port));
    }

    @Test
    void serviceManifestRoutesToTheContainerAndClaimsItsVolume() throws Exception {
        List<HasMetadata> objects = DeployManifests.objects(DeployManifests.SERVICE);
        Deployment deployment = DeployManifests.ofKind(objects, Deployment.class).get(0);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container c = DeployManifests.serviceContainer(pod);
        Service service = DeployManifests.ofKind(objects, Service.class).get(0);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        service.getSpec().getSelector().forEach((k, v) -> assertEquals(v, podLabels.get(k), "selector " + k));
        int port = Integer.parseInt(DeployManifests.env(c).get("CLOUDPROVISIONER_GRPC_PORT"));
        for (ServicePort p : service.getSpec().getPorts()) {
            assertEquals(port, resolve(p.getTargetPort(), c));
            assertEquals("grpc", p.getAppProtocol());
        }
        Set<String> claims = new HashSet<>();
        DeployManifests.ofKind(objects, PersistentVolumeClaim.class)
                .forEach(x -> claims.add(x.getMetadata().getName()));
        int claimed = 0;
        for (Volume v : pod.getVolumes()) {
            if (v.getPersistentVolumeClaim() != null) {
                assertTrue(claims.contains(v.getPersistentVolumeClaim().getClaimName()));
                claimed++;
            }
        }
        assertEquals(1, claimed, "the ledger's claim");
        // one process per embedded ledger: never two pods on one claim, not even during a rollout
        assertEquals(1, deployment.getSpec().getReplicas());
        assertEquals("Recreate", deployment.getSpec().getStrategy().getType());
    }

    @Test
    void composeRunsReplicasOnOnePostgresqlLedger() throws Exception {
        JsonNode services = DeployManifests.compose().get("services");
        Set<String> nodeIds = new HashSet<>();
        Set<String> hostPorts = new HashSet<>();
        int replicas = 0;
        for (var it = services.fields(); it.hasNext(); ) {
            var svc = it.next();
            JsonNode s = svc.getValue();
            if (!s.path("image").asText().startsWith(DeployManifests.IMAGE)) {
                continue;
            }
            replicas++;
            String where = "compose " + svc.getKey();
            JsonNode env = s.get("environment");
            for (var names = env.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (name.startsWith("CLOUDPROVISIONER_")) {
                    assertTrue(DeployManifests.knownVariable(name), where + ": " + name + " is not read");
                }
                if (SECRET_NAME.matcher(name).matches()) {
                    assertTrue(env.get(name).asText().startsWith("${"), where + ": " + name + " written in the file");
                }
            }
            assertTrue(nodeIds.add(env.get("CLOUDPROVISIONER_LEDGER_NODE_ID").asText()), where + ": node id reused");
            String jdbc = env.get("QUARKUS_DATASOURCE_POSTGRESQL_JDBC_URL").asText();
            assertTrue(jdbc.startsWith("jdbc:postgresql://"), where);
            String dbHost = jdbc.substring("jdbc:postgresql://".length()).split("[:/]")[0];
            assertTrue(services.has(dbHost), where + ": the ledger host is a service of the file");
            assertTrue(s.path("depends_on").has(dbHost), where + ": waits for " + dbHost);
            String port = env.get("CLOUDPROVISIONER_GRPC_PORT").asText();
            for (JsonNode p : s.get("ports")) {
                String[] parts = p.asText().split(":");
                assertEquals("127.0.0.1", parts[0], where + ": published on loopback only");
                assertEquals(port, parts[2], where);
                assertTrue(hostPorts.add(parts[1]), where + ": host port reused");
            }
            assertTrue(s.path("read_only").asBoolean(), where);
            assertTrue(s.get("tmpfs").toString().contains("/tmp"), where);
            String volumes = s.get("volumes").toString();
            assertTrue(volumes.contains(":" + env.get("CLOUDPROVISIONER_API_KEYS_FILE").asText() + ":ro"), where);
            assertTrue(volumes.contains(":" + env.get("CLOUDPROVISIONER_DATA_DIR").asText()), where);
        }
        assertTrue(replicas >= 2, "replicas: " + replicas);
    }

    @Test
    void everyManifestParses() throws Exception {
        for (Path f : List.of(DeployManifests.SIDECAR, DeployManifests.SERVICE)) {
            List<HasMetadata> objects = DeployManifests.objects(f);
            assertFalse(objects.isEmpty(), f.toString());
            objects.forEach(o -> assertFalse(o.getMetadata().getName().isBlank(), f.toString()));
        }
        assertNotNull(DeployManifests.compose().get("services"));
    }
}
