package io.cloudprovisioner.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import java.net.ConnectException;
import java.net.HttpRetryException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/** Every EC2 error code family, and SDK client-side failures, classified once. */
class AwsErrorsTest {

    static AwsServiceException ec2(String code, int status, String message) {
        return Ec2Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("Ec2")
                        .build())
                .build();
    }

    @ParameterizedTest
    @CsvSource({
        "RequestLimitExceeded,503,false,RATE_LIMITED,REGION",
        "Throttling,400,false,RATE_LIMITED,REGION",
        "SomethingElse,429,false,RATE_LIMITED,REGION",
        "InsufficientInstanceCapacity,500,true,CAPACITY,ZONE",
        "InsufficientInstanceCapacity,500,false,CAPACITY,REGION",
        "InsufficientHostCapacity,500,false,CAPACITY,REGION",
        "InstanceLimitExceeded,400,false,QUOTA,REGION",
        "VcpuLimitExceeded,400,true,QUOTA,REGION",
        "MaxSpotInstanceCountExceeded,400,false,QUOTA,REGION",
        "AuthFailure,401,false,AUTH,PROVIDER",
        "UnauthorizedOperation,403,false,AUTH,PROVIDER",
        "InvalidClientTokenId,403,false,AUTH,PROVIDER",
        "InvalidParameterValue,400,false,INVALID_REQUEST,REQUEST",
        "InvalidAMIID.Malformed,400,false,INVALID_REQUEST,REQUEST",
        "InvalidAMIID.NotFound,400,false,INVALID_REQUEST,REQUEST",
        "IdempotentParameterMismatch,400,false,INVALID_REQUEST,REQUEST",
        "InvalidInstanceID.Malformed,400,false,INVALID_REQUEST,REQUEST",
        "InvalidInstanceID.NotFound,400,false,NOT_FOUND,REQUEST",
        "InternalError,500,false,TRANSIENT,REGION",
        "Unavailable,503,false,TRANSIENT,REGION",
        "'',502,false,TRANSIENT,REGION",
        "'',404,false,NOT_FOUND,REQUEST",
    })
    void serviceErrors(String code, int status, boolean zoneSet, ErrorClass c, ErrorScope s) {
        ProviderException e = AwsErrors.classify(ec2(code, status, "text"), "RunInstances", zoneSet);
        assertEquals(c, e.errorClass(), code);
        assertEquals(s, e.scope(), code);
        assertEquals(code, e.providerCode());
        assertEquals(Provider.AWS, e.provider());
        assertEquals(c.retryable(), AwsErrors.retryable(ec2(code, status, "text")), "SDK retries " + code);
    }

    @Test
    void unsupportedIsCapacityOnlyWhenItNamesTheZone() {
        assertEquals(ErrorClass.CAPACITY, AwsErrors.classify(ec2("Unsupported", 400, "Your requested instance type "
                + "(m7g.large) is not supported in your requested Availability Zone (us-east-1e)."), "RunInstances",
                false).errorClass());
        assertEquals(ErrorClass.INVALID_REQUEST, AwsErrors.classify(ec2("Unsupported", 400,
                "The requested configuration is currently not supported."), "RunInstances", false).errorClass());
    }

    @Test
    void clientSideFailuresAreTransient() {
        SdkClientException refused = SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused"));
        ProviderException e = AwsErrors.classify(refused, "DescribeInstances", false);
        assertEquals(ErrorClass.TRANSIENT, e.errorClass());
        assertTrue(AwsErrors.retryable(refused));
        SdkClientException timeout = SdkClientException.create("read", new SocketTimeoutException("Read timed out"));
        assertEquals(ErrorClass.TRANSIENT, AwsErrors.classify(timeout, "DescribeInstances", false).errorClass());
        assertEquals(ErrorClass.TRANSIENT, AwsErrors.classify(ApiCallTimeoutException.create(1000), "RunInstances",
                false).errorClass());
    }

    @Test
    void a401ThatHttpUrlConnectionWouldNotHandOverIsAuth() {
        SdkClientException e = SdkClientException.create("Unable to execute HTTP request",
                new HttpRetryException("cannot retry due to server authentication, in streaming mode", 401));
        assertEquals(ErrorClass.AUTH, AwsErrors.classify(e, "RunInstances", false).errorClass());
        assertFalse(AwsErrors.retryable(e));
    }

    @Test
    void waiterWrappedServiceErrorsAreClassifiedByTheirCause() {
        SdkClientException wrapped = SdkClientException.create("An exception was thrown and did not match any "
                + "waiter acceptors", ec2("AuthFailure", 401, "AWS was not able to validate the credentials"));
        assertEquals(ErrorClass.AUTH, AwsErrors.classify(wrapped, "DescribeInstances", false).errorClass());
    }

    @Test
    void throttlingIsFlaggedForTheThrottlingBackoff() {
        assertTrue(AwsErrors.throttling(ec2("RequestLimitExceeded", 503, "Request limit exceeded.")));
        assertFalse(AwsErrors.throttling(ec2("InternalError", 500, "x")));
        assertFalse(AwsErrors.retryable(ec2("InsufficientInstanceCapacity", 500, "x")), "capacity: fail over");
    }

    @Test
    void classifiedErrorsPassThroughAndMessagesNameTheOperationAndCode() {
        ProviderException pe = new ProviderException(Provider.AWS, ErrorClass.QUOTA, ErrorScope.REGION, "X", "m");
        assertSame(pe, AwsErrors.classify(pe, "RunInstances", false));
        ProviderException e = AwsErrors.classify(ec2("InstanceLimitExceeded", 400, "limit of 20"), "RunInstances",
                false);
        assertEquals("EC2 RunInstances failed: InstanceLimitExceeded: limit of 20", e.getMessage());
    }
}
