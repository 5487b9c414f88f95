package io.cloudprovisioner.provider;

/**
 * Whether a provider's credentials were found, and where. Holds no secret.
 *
 * @param source where the credentials came from, e.g. "environment: DIGITALOCEAN_TOKEN"; empty when missing
 * @param missing what to configure, in words; empty when configured
 */
public record CredentialStatus(boolean configured, String source, String missing) {

    public static CredentialStatus found(String source) {
        return new CredentialStatus(true, source, "");
    }

    public static CredentialStatus missing(String what) {
        return new CredentialStatus(false, "", what);
    }
}
