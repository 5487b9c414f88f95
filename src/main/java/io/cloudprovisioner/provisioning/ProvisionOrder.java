package io.cloudprovisioner.provisioning;

import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.selection.SelectionPreferences;
import java.util.Map;

/**
 * A validated request for one instance, in domain terms (the API builds it from ProvisionInstanceRequest).
 *
 * @param catalog the catalog the request was validated against
 * @param provider the named provider, or null to select one
 * @param region the named region (null when selection chooses)
 * @param instanceType the named type, or null to map the spec
 * @param spec the resources needed (null only with a named type)
 * @param preferences selection preferences (the request's or the configured ones)
 * @param preferencesFromRequest whether {@code preferences} came with the request (the selection says so)
 * @param zone the named zone, or empty
 * @param allowFallback whether capacity/quota errors fail over to the next candidate
 * @param labels the caller's labels
 * @param principal who asks (request ids are scoped per principal)
 * @param requestId the caller's client_request_id (a generated one when it sent none)
 * @param fingerprint the request without its id, hashed: the same id with another request is refused
 * @param canonicalJson the request without its id, as recorded in the ledger
 * @param admin whether the principal has the admin role (quotas may exempt it: cloudprovisioner.quotas.exempt-admins)
 */
public record ProvisionOrder(Catalog catalog, Provider provider, String region, String instanceType,
        ResourceSpec spec, SelectionPreferences preferences, boolean preferencesFromRequest, String zone,
        boolean allowFallback, Map<String, String> labels, String principal, String requestId, String fingerprint,
        String canonicalJson, boolean admin) {
}
