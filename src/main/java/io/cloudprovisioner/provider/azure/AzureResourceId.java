package io.cloudprovisioner.provider.azure;

import java.util.Locale;
import java.util.Optional;

/**
 * An Azure Resource Manager id as a response names it,
 * {@code /subscriptions/{subscription}/resourceGroups/{group}/providers/{namespace}/{type}/{name}}, parsed so that
 * an id can be checked against the configured subscription and this service's resource group before it is followed
 * or adopted. Ids of child resources (more segments) and anything else are not parsed.
 */
record AzureResourceId(String subscription, String resourceGroup, String namespace, String type, String name) {

    /** The parts of {@code id}, or empty when it is not a top-level resource id. */
    static Optional<AzureResourceId> parse(String id) {
        if (id == null || !id.startsWith("/")) {
            return Optional.empty();
        }
        String[] p = id.substring(1).split("/", -1);
        if (p.length != 8 || !p[0].equalsIgnoreCase("subscriptions") || !p[2].equalsIgnoreCase("resourceGroups")
                || !p[4].equalsIgnoreCase("providers")) {
            return Optional.empty();
        }
        for (String s : p) {
            if (s.isBlank()) {
                return Optional.empty();
            }
        }
        return Optional.of(new AzureResourceId(p[1], p[3], p[5], p[6], p[7]));
    }

    /**
     * What makes {@code id} not a resource of {@code namespace}/{@code type} in {@code subscription} and
     * {@code resourceGroup} (compared as ARM compares them, ignoring case), or null when it is one.
     */
    static String problem(String id, String subscription, String resourceGroup, String namespace, String type) {
        Optional<AzureResourceId> parsed = parse(id);
        if (parsed.isEmpty()) {
            return "resource id '" + id + "' is not /subscriptions/../resourceGroups/../providers/../../..";
        }
        AzureResourceId r = parsed.get();
        if (!r.subscription().equalsIgnoreCase(subscription)) {
            return "resource id names subscription " + r.subscription() + ", not the configured one";
        }
        if (!r.resourceGroup().equalsIgnoreCase(resourceGroup)) {
            return "resource id names resource group " + r.resourceGroup() + ", not " + resourceGroup;
        }
        if (!(r.namespace() + "/" + r.type()).toLowerCase(Locale.ROOT)
                .equals((namespace + "/" + type).toLowerCase(Locale.ROOT))) {
            return "resource id names a " + r.namespace() + "/" + r.type() + ", not a " + namespace + "/" + type;
        }
        return null;
    }
}
