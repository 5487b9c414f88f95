package io.cloudprovisioner.provider.vultr;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.RestErrors;
import io.cloudprovisioner.provider.vultr.dto.ErrorBody;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Classifies every Vultr error once (the shared rules are in {@link RestErrors}): HTTP status, the error body's {@code error} wording ({"error","status"}), and transport
 * failures. Messages carry Vultr's own wording (never request headers) and are scrubbed of the credential all the
 * same.
 */
public final class VultrErrors {
    /** Account limits: "You have reached the maximum number of instances", "exceed your ... limit", quota. */
    static final Pattern QUOTA = Pattern.compile(
            "(?i)instance limit|server limit|will exceed|exceeds? (your|the)|limit reached|reached the maximum"
                    + "|maximum number|quota");
    /** Capacity: "Plan is not available in the selected region", out of stock, sold out. */
    static final Pattern CAPACITY = Pattern.compile(
            "(?i)not available|unavailable|out of stock|sold out|insufficient capacity|no capacity");
    static final RestErrors.Wording WORDING = new RestErrors.Wording(QUOTA, CAPACITY);
    private static final ObjectMapper JSON = new ObjectMapper();

    private VultrErrors() {
    }

    /**
     * An HTTP error answer.
     *
     * @param header response header by (case-insensitive) name, null when absent
     * @param secret the credential, scrubbed from the message should it ever appear
     */
    public static ProviderException fromHttp(int status, String body, Function<String, String> header, String secret,
            Clock clock) {
        ErrorBody err = parse(body);
        String code = "http_" + status;
        String text = err.error() == null || err.error().isBlank() ? "HTTP " + status : err.error();
        return RestErrors.fromHttp(Provider.VULTR, status, code, text, header, secret, clock, WORDING);
    }

    /** Anything the REST client threw: already classified, an unmapped HTTP error, or a transport failure. */
    public static ProviderException classify(Throwable t, String secret) {
        return RestErrors.classify(Provider.VULTR, t, r -> fromHttp(r.getStatus(), RestErrors.readBody(r),
                r::getHeaderString, secret, Clock.systemUTC()));
    }

    private static ErrorBody parse(String body) {
        if (body == null || body.isBlank()) {
            return new ErrorBody(null, null);
        }
        try {
            return JSON.readValue(body, ErrorBody.class);
        } catch (Exception e) {
            return new ErrorBody(RestErrors.truncate(body.strip()), null);
        }
    }

    /** Turns every HTTP error answer of the REST client into a classified exception. */
    static final class Mapper implements ResponseExceptionMapper<ProviderException> {
        private final String secret;

        Mapper(String secret) {
            this.secret = secret;
        }

        @Override
        public ProviderException toThrowable(Response response) {
            return fromHttp(response.getStatus(), RestErrors.readBody(response), response::getHeaderString, secret,
                    Clock.systemUTC());
        }

        @Override
        public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
            return status >= 400;
        }
    }
}
