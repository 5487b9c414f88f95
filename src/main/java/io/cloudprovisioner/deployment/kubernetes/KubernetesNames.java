package io.cloudprovisioner.deployment.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Names and labels of the objects of one deployment: every object is named {@code cp-<blueprint>-<deployment id>}
 * (a DNS-1123 label of at most 63 characters), the deployment id being a digest of the deployment's ledger key, so two
 * deployments of one blueprint in one namespace never share a name, and carries the labels below.
 */
public final class KubernetesNames {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "cloudprovisioner";
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String DEPLOYMENT_ID = "cloudprovisioner.io/deployment-id";
    public static final String BLUEPRINT_ID = "cloudprovisioner.io/blueprint-id";
    public static final String REQUEST_ID = "cloudprovisioner.io/request-id";
    /** A DNS-1123 label: what object names (of these kinds) and namespaces must be. */
    public static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private KubernetesNames() {
    }

    /** The deployment id: 10 hex digits of SHA-256 over the ledger key (per principal, so per deployment). */
    public static String deploymentId(String requestKey) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(requestKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The name of every object of the deployment: cp-, the blueprint id (cut to fit), -, the deployment id. */
    public static String objectName(String blueprintId, String requestKey) {
        String id = deploymentId(requestKey);
        String bp = blueprintId.length() > 63 - 3 - 1 - id.length() ? blueprintId.substring(0, 63 - 4 - id.length())
                : blueprintId;
        while (bp.endsWith("-")) {
            bp = bp.substring(0, bp.length() - 1);
        }
        return "cp-" + bp + "-" + id;
    }

    /** A label value from any text: characters outside [-A-Za-z0-9_.] become '-', cut to 63, alphanumeric ends. */
    public static String labelValue(String s) {
        String v = s.replaceAll("[^-A-Za-z0-9_.]", "-");
        if (v.length() > 63) {
            v = v.substring(0, 63);
        }
        v = v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        if (!LABEL_VALUE.matcher(v).matches()) {
            throw new IllegalStateException("not a label value: " + v);
        }
        return v;
    }

    /** Every label of the deployment's objects (and its pods). */
    public static Map<String, String> labels(String blueprintId, String requestKey, String clientRequestId) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(MANAGED_BY, MANAGED_BY_VALUE);
        l.put(NAME, blueprintId);
        l.put(INSTANCE, objectName(blueprintId, requestKey));
        l.put(DEPLOYMENT_ID, deploymentId(requestKey));
        l.put(BLUEPRINT_ID, blueprintId);
        l.put(REQUEST_ID, labelValue(clientRequestId));
        return l;
    }

    /** The labels that select the deployment's pods (and mark its objects as its own). */
    public static Map<String, String> selector(String requestKey) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(MANAGED_BY, MANAGED_BY_VALUE);
        l.put(DEPLOYMENT_ID, deploymentId(requestKey));
        return l;
    }

    /** Whether an object's labels mark it as this deployment's. */
    public static boolean ours(Map<String, String> labels, String requestKey) {
        return labels != null && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY))
                && deploymentId(requestKey).equals(labels.get(DEPLOYMENT_ID));
    }
}
