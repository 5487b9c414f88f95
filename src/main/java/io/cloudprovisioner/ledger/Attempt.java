package io.cloudprovisioner.ledger;

import io.cloudprovisioner.domain.Provider;

/**
 * One attempt of a request, recorded before the cloud call.
 *
 * @param errorClass null while the call runs (or when a crash interrupted it), empty on success, else the class
 */
public record Attempt(int seq, Provider provider, String region, String zone, String instanceType,
        String errorClass, String message) {
}
