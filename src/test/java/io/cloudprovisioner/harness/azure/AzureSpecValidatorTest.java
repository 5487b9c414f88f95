package io.cloudprovisioner.harness.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The validator is not vacuous: valid ARM requests pass, broken ones are reported. */
class AzureSpecValidatorTest {
    static AzureSpecValidator validator;
    static final String VM = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/v";
    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @BeforeAll
    static void load() {
        validator = new AzureSpecValidator();
    }

    static String vm(String hardware, String extra) {
        return "{\"location\":\"eastus\",\"properties\":{\"hardwareProfile\":" + hardware
                + ",\"osProfile\":{\"computerName\":\"v\",\"adminUsername\":\"u\",\"linuxConfiguration\":"
                + "{\"disablePasswordAuthentication\":true}}" + extra + "}}";
    }

    @Test
    void validVmPutPassesAndExtensibleEnumsAcceptNewValues() {
        assertEquals(List.of(), validator.validate("PUT", VM, Map.of("api-version", "2025-04-01"), JSON,
                vm("{\"vmSize\":\"Standard_D2s_v5\"}", "")));
    }

    @Test
    void wrongTypesClosedEnumsMissingApiVersionAndUnknownPathsAreViolations() {
        assertFalse(validator.validate("PUT", VM, Map.of("api-version", "2025-04-01"), JSON,
                vm("{\"vmSize\":\"Standard_D2s_v5\"}", ",\"priority\":7,\"storageProfile\":{\"osDisk\":"
                        + "{\"createOption\":\"FromImage\",\"diskSizeGB\":\"forty\"}}")).isEmpty());
        assertFalse(validator.validate("PUT", VM, Map.of(), JSON, vm("{\"vmSize\":\"Standard_D2s_v5\"}", ""))
                .isEmpty(), "api-version is required");
        // A security rule without its required direction.
        List<String> nsg = validator.validate("PUT", "/subscriptions/s/resourceGroups/rg/providers/"
                + "Microsoft.Network/networkSecurityGroups/n", Map.of("api-version", "2024-05-01"), JSON,
                "{\"location\":\"eastus\",\"properties\":{\"securityRules\":[{\"name\":\"r\",\"properties\":"
                        + "{\"protocol\":\"Tcp\",\"access\":\"Allow\",\"priority\":100}}]}}");
        assertTrue(nsg.stream().anyMatch(v -> v.contains("direction")), nsg.toString());
        assertFalse(validator.validate("GET", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/"
                + "virtualMachines/v/noSuchAction", Map.of("api-version", "2025-04-01"), Map.of(), "").isEmpty());
    }

    @Test
    void coverageIsExplicit() {
        assertTrue(validator.covered(VM));
        assertTrue(validator.covered("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/"
                + "networkInterfaces/n"));
        assertTrue(validator.covered("/subscriptions/s/providers/Microsoft.Compute/locations/eastus/vmSizes"));
        assertFalse(validator.covered("/subscriptions/s/resourcegroups/rg"));
        assertFalse(validator.covered("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d"));
    }
}
