package io.cloudprovisioner.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpHeaders;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.polling.PollResult;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** ARM error codes / HTTP statuses / transport failures → one classification each. */
class AzureErrorsTest {

    @ParameterizedTest(name = "{0} {1} -> {3} {4}")
    @CsvSource({
        "429, TooManyRequests, throttled, RATE_LIMITED, REGION",
        "429, '', '', RATE_LIMITED, REGION",
        "429, SubscriptionRequestsThrottled, x, RATE_LIMITED, REGION",
        "500, InternalServerError, boom, TRANSIENT, REGION",
        "503, ServiceUnavailable, later, TRANSIENT, REGION",
        "502, '', '', TRANSIENT, REGION",
        "409, SkuNotAvailable, 'The requested VM size is currently not available in location eastus.', CAPACITY, REGION",
        "409, SkuNotAvailable, 'not available in location eastus zones 1', CAPACITY, ZONE",
        "200, AllocationFailed, 'Allocation failed. We do not have sufficient capacity', CAPACITY, REGION",
        "200, ZonalAllocationFailed, 'Allocation failed', CAPACITY, ZONE",
        "200, OverconstrainedAllocationRequest, 'constraints', CAPACITY, REGION",
        "409, OperationNotAllowed, 'exceeding approved Total Regional Cores quota. Location: eastus', QUOTA, REGION",
        "409, QuotaExceeded, 'Operation results in exceeding quota limits of Core', QUOTA, REGION",
        "409, OperationNotAllowed, 'The operation is not allowed on a VM in this state', INVALID_REQUEST, REQUEST",
        "401, InvalidAuthenticationToken, 'The access token is invalid.', AUTH, PROVIDER",
        "403, AuthorizationFailed, 'does not have authorization', AUTH, PROVIDER",
        "401, '', '', AUTH, PROVIDER",
        "400, InvalidParameter, 'vmSize', INVALID_REQUEST, REQUEST",
        "400, BadRequest, 'bad', INVALID_REQUEST, REQUEST",
        "422, '', 'unprocessable', INVALID_REQUEST, REQUEST",
        "404, ResourceNotFound, 'not found', NOT_FOUND, REQUEST",
        "404, NotFound, 'x', NOT_FOUND, REQUEST",
        "404, ResourceGroupNotFound, 'x', NOT_FOUND, REQUEST",
    })
    void classifiesArmErrors(int status, String code, String message, ErrorClass cls, ErrorScope scope) {
        ProviderException e = AzureErrors.of(status, code, message, null);
        assertEquals(cls, e.errorClass());
        assertEquals(scope, e.scope());
        assertEquals(Provider.AZURE, e.provider());
        assertEquals(code.isEmpty() ? "HTTP" + status : code, e.providerCode());
        assertEquals(cls.retryable(), e.retryable());
    }

    @Test
    void managementExceptionUsesTheArmErrorBody() {
        ManagementException me = new ManagementException("Status code 409", null,
                new ManagementError("SkuNotAvailable", "not available in location 'eastus'"));
        ProviderException e = AzureErrors.classify(me);
        assertEquals(ErrorClass.CAPACITY, e.errorClass());
        assertEquals("SkuNotAvailable", e.providerCode());
        assertSame(me, e.getCause());
    }

    @Test
    void failedLongRunningOperationIsClassifiedFromItsStatusBody() {
        PollResult.Error err = new PollResult.Error("Long running operation failed", 200, new HttpHeaders(),
                "{\"status\":\"Failed\",\"error\":{\"code\":\"AllocationFailed\",\"message\":\"Allocation failed.\"}}");
        ProviderException e = AzureErrors.fromPollError(err);
        assertEquals(ErrorClass.CAPACITY, e.errorClass());
        assertEquals("AllocationFailed", e.providerCode());
        assertEquals("AllocationFailed: Allocation failed.", e.getMessage());
    }

    @Test
    void transportFailuresAreTransient() {
        assertEquals(ErrorClass.TRANSIENT, AzureErrors.classify(new UncheckedIOException(
                new ConnectException("Connection refused"))).errorClass());
        assertEquals("ConnectionFailed", AzureErrors.classify(new RuntimeException(
                new ConnectException("Connection refused"))).providerCode());
        assertEquals("Timeout", AzureErrors.classify(new UncheckedIOException(
                new HttpTimeoutException("request timed out"))).providerCode());
        assertEquals(ErrorClass.TRANSIENT, AzureErrors.classify(new RuntimeException(new TimeoutException()))
                .errorClass());
    }

    @Test
    void tokenFailureIsAuthWithoutTheIdentityMessage() {
        ProviderException e = AzureErrors.classify(new ClientAuthenticationException(
                "AADSTS7000215: Invalid client secret provided: s3cr3t-value", null));
        assertEquals(ErrorClass.AUTH, e.errorClass());
        assertEquals(ErrorScope.PROVIDER, e.scope());
        assertFalse(e.getMessage().contains("s3cr3t"));
    }

    @Test
    void secretsAndBearerTokensAreScrubbedAndMessagesCapped() {
        ProviderException e = AzureErrors.of(400, "InvalidParameter",
                "echo s3cr3t-value and Authorization: Bearer eyJ0eXAiOiJKV1Q.abc.def", null, "s3cr3t-value");
        assertFalse(e.getMessage().contains("s3cr3t-value"));
        assertFalse(e.getMessage().contains("eyJ0eXAi"));
        assertTrue(AzureErrors.of(500, "X", "y".repeat(2000), null).getMessage().length() <= 410);
    }

    @Test
    void providerExceptionsPassThrough() {
        ProviderException pe = new ProviderException(Provider.AZURE, ErrorClass.QUOTA, ErrorScope.REGION, "Q", "q");
        assertSame(pe, AzureErrors.classify(new RuntimeException(pe)));
    }
}
