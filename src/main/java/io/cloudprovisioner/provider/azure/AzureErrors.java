package io.cloudprovisioner.provider.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.polling.PollResult;
import com.azure.identity.CredentialUnavailableException;
import com.microsoft.aad.msal4j.MsalServiceException;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies every Azure SDK / ARM error (ARM error body {@code {"error":{"code":..,"message":..}}}, also at the end
 * of a long-running operation) into one {@link ProviderException}. Messages are built from the ARM code and message
 * only, capped, and scrubbed of any secret handed in.
 */
public final class AzureErrors {
    static final Set<String> CAPACITY_CODES = Set.of("skunotavailable", "allocationfailed", "zonalallocationfailed",
            "overconstrainedallocationrequest", "overconstrainedzonalallocationrequest");
    static final Set<String> QUOTA_CODES = Set.of("quotaexceeded", "publicipcountlimitreached",
            "subscriptionquotaexceeded", "resourcequotaexceeded", "operationnotallowedquota");
    static final Set<String> AUTH_CODES = Set.of("authorizationfailed", "invalidauthenticationtoken",
            "invalidauthenticationtokentenant", "authenticationfailed", "expiredauthenticationtoken",
            "linkedauthorizationfailed", "invalidauthenticationtokenaudience", "unauthorized", "forbidden");
    static final Set<String> THROTTLE_CODES = Set.of("toomanyrequests", "subscriptionrequeststhrottled",
            "tenantrequeststhrottled", "operationthrottled");
    static final Set<String> NOT_FOUND_CODES = Set.of("resourcenotfound", "notfound", "resourcegroupnotfound",
            "parentresourcenotfound");
    static final Set<String> INVALID_CODES = Set.of("invalidparameter", "badrequest", "invalidrequestcontent",
            "invalidrequestformat", "invalidresourcename", "propertychangenotallowed", "invalidtemplate",
            "missingsubscriptionregistration");
    static final Set<String> TRANSIENT_CODES = Set.of("internalservererror", "serviceunavailable",
            "internalexecutionerror", "gatewaytimeout", "retryableerror", "anotheroperationinprogress",
            "conflictingoperationinprogress");
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]{1,200})\"");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){0,600})\"");
    static final int MAX_MESSAGE = 400;

    private AzureErrors() {
    }

    /** Classifies {@code t}; {@code secrets} are removed from the message should the cloud ever echo one. */
    public static ProviderException classify(Throwable t, String... secrets) {
        if (t instanceof ProviderException pe) {
            return pe;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ProviderException pe) {
                return pe;
            }
            if (c instanceof ManagementException me) {
                ManagementError v = me.getValue();
                int status = me.getResponse() == null ? 0 : me.getResponse().getStatusCode();
                return of(status, v == null ? "" : v.getCode(), v == null ? me.getMessage() : v.getMessage(), t,
                        secrets);
            }
            if (c instanceof MsalServiceException mse) {
                int status = mse.statusCode() == null ? 0 : mse.statusCode();
                if (status == 429 || status >= 500) {
                    return of(status, "", "Entra ID token endpoint answered " + status, t, secrets);
                }
                return new ProviderException(Provider.AZURE, ErrorClass.AUTH, ErrorScope.PROVIDER,
                        mse.errorCode() == null || mse.errorCode().isBlank() ? "ClientAuthenticationFailed"
                                : mse.errorCode(), "Entra ID refused the service principal's credentials", t);
            }
            if (c instanceof ClientAuthenticationException || c instanceof CredentialUnavailableException) {
                // The token request failed; the Entra ID message is not passed on (it may quote request details).
                return new ProviderException(Provider.AZURE, ErrorClass.AUTH, ErrorScope.PROVIDER,
                        "ClientAuthenticationFailed", "Entra ID refused the service principal's credentials", t);
            }
            if (c instanceof HttpResponseException he) {
                int status = he.getResponse() == null ? 0 : he.getResponse().getStatusCode();
                String body = he.getValue() == null ? "" : String.valueOf(he.getValue());
                return of(status, find(CODE, body), firstNonBlank(find(MESSAGE, body), he.getMessage()), t,
                        secrets);
            }
            if (c instanceof ConnectException || c instanceof HttpTimeoutException
                    || c instanceof SocketTimeoutException || c instanceof TimeoutException) {
                return new ProviderException(Provider.AZURE, ErrorClass.TRANSIENT, ErrorScope.REGION,
                        c instanceof ConnectException ? "ConnectionFailed" : "Timeout",
                        (c instanceof ConnectException ? "cannot connect to Azure Resource Manager"
                                : "Azure did not answer in time") + " (" + c.getClass().getSimpleName() + ")", t);
            }
            if (c instanceof IOException) {
                return new ProviderException(Provider.AZURE, ErrorClass.TRANSIENT, ErrorScope.REGION, "IOError",
                        "I/O error talking to Azure (" + c.getClass().getSimpleName() + ")", t);
            }
        }
        String msg = t.getMessage() == null ? "" : t.getMessage();
        if (msg.toLowerCase(Locale.ROOT).contains("timeout") || msg.toLowerCase(Locale.ROOT).contains("timed out")) {
            return new ProviderException(Provider.AZURE, ErrorClass.TRANSIENT, ErrorScope.REGION, "Timeout",
                    "Azure operation timed out", t);
        }
        return new ProviderException(Provider.AZURE, ErrorClass.TRANSIENT, ErrorScope.REQUEST, "Unknown",
                "unexpected error (" + t.getClass().getSimpleName() + ")", t);
    }

    /** A long-running operation that ended Failed: the error is in the operation-status body. */
    public static ProviderException fromPollError(PollResult.Error e, String... secrets) {
        String body = e.getResponseBody() == null ? "" : e.getResponseBody();
        return of(e.getResponseStatusCode(), find(CODE, body), firstNonBlank(find(MESSAGE, body), e.getMessage()),
                null, secrets);
    }

    /** Classifies by ARM error code first (it is exact, and LRO failures arrive with HTTP 200), then by status. */
    public static ProviderException of(int status, String code, String message, Throwable cause, String... secrets) {
        String c = code == null ? "" : code;
        String lc = c.toLowerCase(Locale.ROOT);
        String m = message == null ? "" : message;
        String lm = m.toLowerCase(Locale.ROOT);
        ErrorClass cls;
        ErrorScope scope;
        if (THROTTLE_CODES.contains(lc) || status == 429) {
            cls = ErrorClass.RATE_LIMITED;
            scope = ErrorScope.REGION;
        } else if (CAPACITY_CODES.contains(lc)) {
            cls = ErrorClass.CAPACITY;
            scope = lc.contains("zonal") || lm.contains("zone") ? ErrorScope.ZONE : ErrorScope.REGION;
        } else if (QUOTA_CODES.contains(lc) || (lc.equals("operationnotallowed") && lm.contains("quota"))) {
            cls = ErrorClass.QUOTA;
            scope = lm.contains("subscription") && !lm.contains("region") && !lm.contains("location")
                    ? ErrorScope.PROVIDER : ErrorScope.REGION;
        } else if (AUTH_CODES.contains(lc) || status == 401 || status == 403) {
            cls = ErrorClass.AUTH;
            scope = ErrorScope.PROVIDER;
        } else if (NOT_FOUND_CODES.contains(lc) || status == 404) {
            cls = ErrorClass.NOT_FOUND;
            scope = ErrorScope.REQUEST;
        } else if (TRANSIENT_CODES.contains(lc) || status >= 500) {
            cls = ErrorClass.TRANSIENT;
            scope = ErrorScope.REGION;
        } else if (INVALID_CODES.contains(lc) || status == 400 || status == 422 || status == 409
                || lc.equals("operationnotallowed")) {
            cls = ErrorClass.INVALID_REQUEST;
            scope = ErrorScope.REQUEST;
        } else {
            cls = ErrorClass.TRANSIENT;
            scope = ErrorScope.REQUEST;
        }
        String text = (c.isEmpty() ? "HTTP " + status : c) + (m.isBlank() ? "" : ": " + m);
        return new ProviderException(Provider.AZURE, cls, scope, c.isEmpty() && status > 0 ? "HTTP" + status : c,
                scrub(text, secrets), cause);
    }

    static String scrub(String text, String... secrets) {
        String out = text;
        for (String s : secrets) {
            if (s != null && s.length() >= 4) {
                out = out.replace(s, "***");
            }
        }
        // Bearer tokens never belong in a message either.
        out = out.replaceAll("(?i)bearer\\s+[A-Za-z0-9._~+/=-]+", "Bearer ***");
        return out.length() > MAX_MESSAGE ? out.substring(0, MAX_MESSAGE) + "..." : out;
    }

    private static String find(Pattern p, String body) {
        Matcher m = p.matcher(body);
        return m.find() ? m.group(1) : "";
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b == null ? "" : b;
    }
}
