package io.cloudprovisioner.provider.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.harness.gcp.GcpSpecValidator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stand-in's validation is not vacuous: it rejects what the real API would. */
class GcpSpecValidatorTest {
    static final String PATH = "/compute/v1/projects/p/zones/us-central1-a/instances";
    static final Map<String, List<String>> QUERY = Map.of("requestId",
            List.of("3f2c0a1e-7b4d-3c9a-8e21-0d5b6f7a8c9e"));

    @Test
    void aWellFormedInsertPasses() {
        assertEquals(List.of(), GcpSpecValidator.get().validate("instances.insert", "POST", PATH, QUERY,
                "application/json", "{\"name\":\"cp-x\",\"machineType\":\"zones/us-central1-a/machineTypes/e2-small\","
                        + "\"labels\":{\"managed-by\":\"cloud-provisioner\"},\"tags\":{\"items\":[\"t\"]}}"));
    }

    @Test
    void aMisspeltFieldTheOpenApiConversionLetsThroughIsCaughtByTheDiscoveryCheck() {
        List<String> v = GcpSpecValidator.get().validate("instances.insert", "POST", PATH, QUERY,
                "application/json", "{\"name\":\"cp-x\",\"machineTyp\":\"e2-small\",\"disks\":[{\"bootDisk\":true}]}");
        assertTrue(v.stream().anyMatch(s -> s.contains(".machineTyp")), v.toString());
        assertTrue(v.stream().anyMatch(s -> s.contains("disks[0].bootDisk")), v.toString());
    }

    @Test
    void wrongTypesUnknownPathsAndBadRequestIdsAreViolations() {
        assertTrue(!GcpSpecValidator.get().validate("instances.insert", "POST", PATH, QUERY, "application/json",
                "{\"name\":\"cp-x\",\"canIpForward\":\"yes\"}").isEmpty(), "boolean field as string");
        assertTrue(!GcpSpecValidator.get().validate("instances.insert", "POST", PATH,
                Map.of("requestId", List.of("not-a-uuid")), "application/json", "{\"name\":\"cp-x\"}").isEmpty());
        assertTrue(!GcpSpecValidator.get().validate("instances.get", "GET",
                "/compute/v1/projects/p/zones/us-central1-a/instancez/x", Map.of(), null, "").isEmpty());
    }
}
