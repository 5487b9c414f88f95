package io.cloudprovisioner.provider.aws;

import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import java.io.IOException;
import java.net.HttpRetryException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Classifies every EC2 / SDK error once into a {@link ProviderException}, and tells the SDK's retry strategy which
 * errors are worth retrying at the same place (throttling and transient ones, never capacity or quota). Messages are
 * built from the EC2 error code and message only (EC2 never puts credentials there), never from request headers.
 */
public final class AwsErrors {
    static final Set<String> THROTTLING = Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException",
            "RequestThrottled", "RequestThrottledException", "TooManyRequestsException", "SlowDown",
            "PriorRequestNotComplete", "EC2ThrottledException", "BandwidthLimitExceeded");
    static final Set<String> CAPACITY = Set.of("InsufficientInstanceCapacity", "InsufficientHostCapacity",
            "InsufficientCapacity", "InsufficientReservedInstanceCapacity", "InsufficientCapacityOnHost",
            "InsufficientFreeAddressesInSubnet", "SpotMaxPriceTooLow", "InsufficientSpotCapacity");
    static final Set<String> QUOTA = Set.of("InstanceLimitExceeded", "VcpuLimitExceeded",
            "MaxSpotInstanceCountExceeded", "ResourceLimitExceeded", "SecurityGroupLimitExceeded",
            "RulesPerSecurityGroupLimitExceeded", "VolumeLimitExceeded", "AddressLimitExceeded",
            "MaxIOPSLimitExceeded", "InsufficientAddressCapacity");
    static final Set<String> AUTH = Set.of("AuthFailure", "UnauthorizedOperation", "InvalidClientTokenId",
            "SignatureDoesNotMatch", "OptInRequired", "Blocked", "PendingVerification", "IncompleteSignature",
            "MissingAuthenticationToken", "AccessDenied", "AccessDeniedException", "ExpiredToken",
            "RequestExpired", "AuthFailure.ServiceLinkedRoleCreationNotPermitted");
    static final Set<String> NOT_FOUND = Set.of("InvalidInstanceID.NotFound", "InvalidGroup.NotFound",
            "InvalidAMIID.NotFound");
    static final Set<String> TRANSIENT = Set.of("InternalError", "InternalFailure", "ServiceUnavailable",
            "Unavailable", "ServerInternal", "RequestTimeout", "RequestTimeoutException");

    private AwsErrors() {
    }

    /**
     * Classifies {@code e} raised by {@code operation}.
     *
     * @param zoneSet whether the request named an availability zone (capacity then blocks the zone, else the region)
     */
    public static ProviderException classify(Throwable e, String operation, boolean zoneSet) {
        if (e instanceof ProviderException pe) {
            return pe;
        }
        AwsServiceException wrapped = cause(e, AwsServiceException.class);
        if (wrapped != null && wrapped != e) {
            // e.g. a waiter that met an error none of its acceptors expects
            return classify(wrapped, operation, zoneSet);
        }
        if (e instanceof AwsServiceException ase) {
            String code = ase.awsErrorDetails() == null || ase.awsErrorDetails().errorCode() == null ? ""
                    : ase.awsErrorDetails().errorCode();
            String msg = ase.awsErrorDetails() == null || ase.awsErrorDetails().errorMessage() == null ? ""
                    : ase.awsErrorDetails().errorMessage();
            return classify(code, ase.statusCode(), msg, operation, zoneSet, e);
        }
        if (e instanceof SdkServiceException sse) {
            return classify("", sse.statusCode(), "", operation, zoneSet, e);
        }
        HttpRetryException retry = cause(e, HttpRetryException.class);
        if (retry != null && (retry.responseCode() == 401 || retry.responseCode() == 407)) {
            // HttpURLConnection refuses to hand a streamed POST's 401 to the SDK: the credentials were refused.
            return ex(ErrorClass.AUTH, ErrorScope.PROVIDER, "AuthFailure", operation, "HTTP "
                    + retry.responseCode() + ": the credentials were refused", e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return ex(ErrorClass.TRANSIENT, ErrorScope.REGION, "Timeout", operation, "the call timed out", e);
        }
        if (e instanceof SdkClientException || cause(e, IOException.class) != null) {
            IOException io = cause(e, IOException.class);
            String what = io == null ? e.getClass().getSimpleName() : io.getClass().getSimpleName();
            return ex(ErrorClass.TRANSIENT, ErrorScope.REGION, "ClientError", operation,
                    "the EC2 endpoint could not be reached or answered unreadably (" + what + ")", e);
        }
        return ex(ErrorClass.TRANSIENT, ErrorScope.REGION, "", operation,
                "unexpected " + e.getClass().getSimpleName(), e);
    }

    /** Classifies an EC2 error by its code and HTTP status. */
    public static ProviderException classify(String code, int status, String message, String operation,
            boolean zoneSet, Throwable cause) {
        String text = (code.isEmpty() ? "HTTP " + status : code) + (message.isEmpty() ? "" : ": " + message);
        ErrorClass c;
        ErrorScope s;
        if (THROTTLING.contains(code) || status == 429) {
            c = ErrorClass.RATE_LIMITED;
            s = ErrorScope.REGION;
        } else if (CAPACITY.contains(code) || (code.equals("Unsupported") && mentionsZone(message, zoneSet))) {
            c = ErrorClass.CAPACITY;
            s = zoneSet ? ErrorScope.ZONE : ErrorScope.REGION;
        } else if (QUOTA.contains(code)) {
            c = ErrorClass.QUOTA;
            s = ErrorScope.REGION;
        } else if (AUTH.contains(code) || status == 401 || status == 403) {
            c = ErrorClass.AUTH;
            s = ErrorScope.PROVIDER;
        } else if (NOT_FOUND.contains(code) || code.endsWith(".NotFound")) {
            c = code.startsWith("InvalidAMIID") ? ErrorClass.INVALID_REQUEST : ErrorClass.NOT_FOUND;
            s = ErrorScope.REQUEST;
        } else if (TRANSIENT.contains(code) || status >= 500) {
            c = ErrorClass.TRANSIENT;
            s = ErrorScope.REGION;
        } else if (status == 404) {
            c = ErrorClass.NOT_FOUND;
            s = ErrorScope.REQUEST;
        } else {
            // InvalidParameterValue, InvalidParameterCombination, InvalidAMIID.*, MissingParameter,
            // IdempotentParameterMismatch, Unsupported (not zone-bound), any other 4xx
            c = ErrorClass.INVALID_REQUEST;
            s = ErrorScope.REQUEST;
        }
        return ex(c, s, code, operation, text, cause);
    }

    private static boolean mentionsZone(String message, boolean zoneSet) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        return zoneSet || m.contains("availability zone") || m.contains("availabilityzone");
    }

    private static ProviderException ex(ErrorClass c, ErrorScope s, String code, String operation, String text,
            Throwable cause) {
        return new ProviderException(Provider.AWS, c, s, code, "EC2 " + operation + " failed: " + text, cause);
    }

    /** Whether the SDK's retry strategy should try the same call again: throttling and transient errors only. */
    public static boolean retryable(Throwable t) {
        if (t instanceof AwsServiceException || t instanceof SdkServiceException) {
            ErrorClass c = classify(t, "", false).errorClass();
            return c == ErrorClass.RATE_LIMITED || c == ErrorClass.TRANSIENT;
        }
        if (cause(t, HttpRetryException.class) != null) {
            return false;
        }
        return t instanceof SdkClientException || cause(t, IOException.class) != null;
    }

    /** Whether the SDK should back off as for throttling (longer delays). */
    public static boolean throttling(Throwable t) {
        return (t instanceof AwsServiceException || t instanceof SdkServiceException)
                && classify(t, "", false).errorClass() == ErrorClass.RATE_LIMITED;
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
