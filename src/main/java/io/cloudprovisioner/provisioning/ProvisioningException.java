package io.cloudprovisioner.provisioning;

import io.cloudprovisioner.provider.ProviderException;
import java.util.Map;

/**
 * Why the provisioning workflow refused or failed a request, in the workflow's own terms; the API maps each
 * {@link Kind} to its gRPC status (api/ProvisioningErrors). The message is the caller-facing text and never holds a
 * secret; {@code reason} is the stable ErrorInfo reason and {@code metadata} its ErrorInfo metadata.
 */
public final class ProvisioningException extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** One request field does not fit (e.g. a named instance type that does not satisfy the spec). */
        INVALID_FIELD,
        /** Nothing fits: no instance type of the chosen provider/region satisfies the spec. */
        NOT_FOUND,
        /** Something must be configured first (credentials, a provider with TEE, a candidate). */
        PRECONDITION,
        /** The request id was used for a different request. */
        ID_REUSED,
        /** Another call with the same request id is in progress. */
        BUSY,
        /** Every candidate was skipped (each failed on capacity or quota recently). */
        EXHAUSTED,
        /** The waiting thread was interrupted. */
        CANCELLED,
        /** The provider's adapter is not part of this build. */
        NO_ADAPTER,
        /** The cloud refused: {@link #providerError()} holds its classification. */
        PROVIDER
    }

    private final Kind kind;
    private final String reason;
    private final String field;
    private final String subjectType;
    private final String subject;
    private final String detail;
    private final transient ProviderException providerError;
    private final Map<String, String> orderedMetadata;

    private ProvisioningException(Kind kind, String message, String reason, Map<String, String> metadata,
            String field, String subjectType, String subject, String detail, ProviderException providerError) {
        super(message, null, false, false);
        this.kind = kind;
        this.reason = reason;
        this.field = field;
        this.subjectType = subjectType;
        this.subject = subject;
        this.detail = detail;
        this.providerError = providerError;
        this.orderedMetadata = metadata == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }

    /** A request field that does not fit; {@code description} says why. */
    public static ProvisioningException invalidField(String field, String description) {
        return new ProvisioningException(Kind.INVALID_FIELD, description, "INVALID_ARGUMENT", null, field, null,
                null, description, null);
    }

    /** Nothing of {@code resourceType} named {@code resourceName} fits. */
    public static ProvisioningException notFound(String message, String reason, String resourceType,
            String resourceName, Map<String, String> metadata) {
        return new ProvisioningException(Kind.NOT_FOUND, message, reason, metadata, null, resourceType,
                resourceName, null, null);
    }

    /** {@code type} (e.g. CREDENTIALS) of {@code subject} must be configured: {@code description} says how. */
    public static ProvisioningException precondition(String message, String reason, String type, String subject,
            String description, Map<String, String> metadata) {
        return new ProvisioningException(Kind.PRECONDITION, message, reason, metadata, null, type, subject,
                description, null);
    }

    /** A failure of {@code kind} without a field or subject (ID_REUSED, BUSY, EXHAUSTED, CANCELLED, NO_ADAPTER). */
    public static ProvisioningException of(Kind kind, String message, String reason, Map<String, String> metadata) {
        return new ProvisioningException(kind, message, reason, metadata, null, null, null, null, null);
    }

    /** The cloud's classified refusal, with the attempts made as {@code metadata}. */
    public static ProvisioningException provider(ProviderException e, Map<String, String> metadata) {
        return new ProvisioningException(Kind.PROVIDER, e.getMessage(), e.errorClass().name(), metadata, null, null,
                null, null, e);
    }

    public Kind kind() {
        return kind;
    }

    public String reason() {
        return reason;
    }

    /** ErrorInfo metadata in the order it was given. */
    public Map<String, String> metadata() {
        return orderedMetadata;
    }

    public String field() {
        return field;
    }

    /** PRECONDITION: the violation's type; NOT_FOUND: the resource type. */
    public String subjectType() {
        return subjectType;
    }

    /** PRECONDITION: the violation's subject; NOT_FOUND: the resource name. */
    public String subject() {
        return subject;
    }

    /** INVALID_FIELD / PRECONDITION: what is wrong or what to configure. */
    public String detail() {
        return detail;
    }

    /** PROVIDER: the classified provider error. */
    public ProviderException providerError() {
        return providerError;
    }
}
