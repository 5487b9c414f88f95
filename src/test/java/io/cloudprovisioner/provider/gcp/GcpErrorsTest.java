package io.cloudprovisioner.provider.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.httpjson.HttpJsonStatusCode;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.ApiExceptionFactory;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.compute.v1.Error;
import com.google.cloud.compute.v1.Errors;
import com.google.cloud.compute.v1.Operation;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Classification of Compute Engine HTTP and operation errors, without any server. */
class GcpErrorsTest {

    static ApiException http(int status, String body) {
        HttpResponseException cause = new HttpResponseException.Builder(status, "status " + status,
                new HttpHeaders()).setContent(body).build();
        return ApiExceptionFactory.createException("gax message", cause, HttpJsonStatusCode.of(status), false);
    }

    static String body(int code, String reason, String message) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"errors\":[{\"message\":\""
                + message + "\",\"domain\":\"global\",\"reason\":\"" + reason + "\"}]}}";
    }

    static void assertClass(ProviderException e, ErrorClass c, ErrorScope s, String code) {
        assertEquals(c, e.errorClass(), e.getMessage());
        assertEquals(s, e.scope(), e.getMessage());
        assertEquals(code, e.providerCode());
    }

    @Test
    void httpErrorsAreClassifiedByStatusAndReason() {
        assertClass(GcpErrors.classify(http(429, body(429, "rateLimitExceeded", "Rate Limit Exceeded")),
                "instances.insert", "us-central1-a"), ErrorClass.RATE_LIMITED, ErrorScope.PROVIDER,
                "rateLimitExceeded");
        assertClass(GcpErrors.classify(http(403, body(403, "userRateLimitExceeded", "slow down")), "x", ""),
                ErrorClass.RATE_LIMITED, ErrorScope.PROVIDER, "userRateLimitExceeded");
        assertClass(GcpErrors.classify(http(403, body(403, "quotaExceeded", "Quota 'CPUS' exceeded in region")),
                "x", ""), ErrorClass.QUOTA, ErrorScope.REGION, "quotaExceeded");
        assertClass(GcpErrors.classify(http(403, body(403, "quotaExceeded", "Quota 'CPUS_ALL_REGIONS' exceeded")),
                "x", ""), ErrorClass.QUOTA, ErrorScope.PROVIDER, "quotaExceeded");
        assertClass(GcpErrors.classify(http(503, body(503, "backendError", "unavailable")), "x", ""),
                ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "backendError");
        assertClass(GcpErrors.classify(http(500, ""), "x", ""), ErrorClass.TRANSIENT, ErrorScope.PROVIDER,
                "HTTP 500");
        assertClass(GcpErrors.classify(http(401, body(401, "authError", "Invalid Credentials")), "x", ""),
                ErrorClass.AUTH, ErrorScope.PROVIDER, "authError");
        assertClass(GcpErrors.classify(http(403, body(403, "forbidden", "Required 'compute.instances.create'")),
                "x", ""), ErrorClass.AUTH, ErrorScope.PROVIDER, "forbidden");
        assertClass(GcpErrors.classify(http(400, body(400, "invalid", "Invalid value for field")), "x", ""),
                ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST, "invalid");
        assertClass(GcpErrors.classify(http(404, body(404, "notFound", "was not found")), "x", ""),
                ErrorClass.NOT_FOUND, ErrorScope.REQUEST, "notFound");
    }

    @Test
    void theMessageNamesTheOperationAndTheProvidersText() {
        ProviderException e = GcpErrors.classify(http(400, body(400, "invalid", "Machine type bad")),
                "instances.insert", "us-central1-a");
        assertEquals("instances.insert in us-central1-a: Machine type bad", e.getMessage());
        assertTrue(e.retryable() == false);
    }

    @Test
    void gaxCodesWithoutAnHttpBodyAreClassifiedToo() {
        ApiException refused = ApiExceptionFactory.createException(new ConnectException("Connection refused"),
                HttpJsonStatusCode.of(StatusCode.Code.UNKNOWN), false);
        assertClass(GcpErrors.classify(refused, "instances.get", "us-central1-a"), ErrorClass.TRANSIENT,
                ErrorScope.PROVIDER, "UNKNOWN");
        ApiException deadline = ApiExceptionFactory.createException(new RuntimeException("timeout"),
                HttpJsonStatusCode.of(StatusCode.Code.DEADLINE_EXCEEDED), true);
        assertTrue(GcpErrors.classify(deadline, "x", "").retryable());
        assertClass(GcpErrors.classify(new java.io.IOException("boom"), "x", ""), ErrorClass.TRANSIENT,
                ErrorScope.PROVIDER, "IOException");
        ProviderException already = GcpErrors.classify(http(404, ""), "x", "");
        assertSame(already, GcpErrors.classify(already, "y", ""));
    }

    static Operation failedOp(int http, String code, String message) {
        return Operation.newBuilder().setName("operation-1").setStatus(Operation.Status.DONE)
                .setHttpErrorStatusCode(http).setHttpErrorMessage("x")
                .setError(Error.newBuilder().addErrors(Errors.newBuilder().setCode(code).setMessage(message))).build();
    }

    @Test
    void operationErrorsAreClassifiedByTheirCode() {
        for (String code : new String[] {"ZONE_RESOURCE_POOL_EXHAUSTED", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS",
                "RESOURCE_NOT_AVAILABLE"}) {
            ProviderException e = GcpErrors.fromOperation(failedOp(503, code, "no resources"), "instances.insert",
                    "us-central1-a").orElseThrow();
            assertClass(e, ErrorClass.CAPACITY, ErrorScope.ZONE, code);
            assertTrue(GcpErrors.tryNextZone(e));
        }
        ProviderException quota = GcpErrors.fromOperation(failedOp(403, "QUOTA_EXCEEDED",
                "Quota 'CPUS' exceeded.  Limit: 24.0 in region us-central1."), "instances.insert", "us-central1-a")
                .orElseThrow();
        assertClass(quota, ErrorClass.QUOTA, ErrorScope.REGION, "QUOTA_EXCEEDED");
        assertFalse(GcpErrors.tryNextZone(quota));
        assertClass(GcpErrors.fromOperation(failedOp(400, "INVALID_FIELD_VALUE", "bad"), "i", "z").orElseThrow(),
                ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST, "INVALID_FIELD_VALUE");
        assertClass(GcpErrors.fromOperation(failedOp(404, "RESOURCE_NOT_FOUND", "gone"), "i", "z").orElseThrow(),
                ErrorClass.NOT_FOUND, ErrorScope.REQUEST, "RESOURCE_NOT_FOUND");
        assertTrue(GcpErrors.fromOperation(Operation.newBuilder().setStatus(Operation.Status.DONE).build(), "i", "z")
                .isEmpty());
    }

    @Test
    void credentialsLookingTextIsRedacted() {
        String m = GcpErrors.safe("token Bearer ya29.abcdef was refused; also ya29.other-token");
        assertFalse(m.contains("ya29."), m);
        assertFalse(m.contains("abcdef"), m);
        assertTrue(GcpErrors.safe("x".repeat(1000)).length() < 410);
    }
}
