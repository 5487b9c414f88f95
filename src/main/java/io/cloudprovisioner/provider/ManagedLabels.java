package io.cloudprovisioner.provider;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The labels / tags that mark an instance as this service's and carry the request id, so that an instance can
 * always be found again (idempotent retries, reconcile, orphan sweep). Keys and values fit every provider's rules
 * (GCP's are the strictest: lower-case letters, digits, '-', '_', at most 63 characters).
 */
public final class ManagedLabels {
    public static final String MANAGED_BY = "managed-by";
    public static final String MANAGED_BY_VALUE = "cloud-provisioner";
    public static final String REQUEST_ID = "cloudprovisioner-request-id";

    private ManagedLabels() {
    }

    /** User labels plus the managed-by and request-id labels (ours win on a clash). */
    public static Map<String, String> forRequest(String clientRequestId, Map<String, String> user) {
        Map<String, String> out = new LinkedHashMap<>(user);
        out.put(MANAGED_BY, MANAGED_BY_VALUE);
        out.put(REQUEST_ID, clientRequestId.toLowerCase(Locale.ROOT));
        return out;
    }

    /** A single tag string for providers whose tags are plain strings (DigitalOcean, Vultr). */
    public static String requestTag(String clientRequestId) {
        return REQUEST_ID + ":" + clientRequestId.toLowerCase(Locale.ROOT);
    }

    public static String managedTag() {
        return MANAGED_BY + ":" + MANAGED_BY_VALUE;
    }

    public static boolean isManaged(Map<String, String> labels) {
        return labels != null && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY));
    }

    /** Whether {@code labels} mark an instance as this service's and as the one of {@code clientRequestId}. */
    public static boolean isOfRequest(Map<String, String> labels, String clientRequestId) {
        return isManaged(labels) && clientRequestId.toLowerCase(Locale.ROOT).equals(labels.get(REQUEST_ID));
    }
}
