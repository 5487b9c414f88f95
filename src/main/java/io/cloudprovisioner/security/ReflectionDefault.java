package io.cloudprovisioner.security;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.Locale;

/**
 * Server reflection by default only where the service is local: {@code cloudprovisioner.security.reflection}
 * {@code auto} (default) turns {@code quarkus.grpc.server.enable-reflection-service} on when the bind address is
 * loopback and off otherwise; {@code true} / {@code false} force it. An explicit
 * {@code quarkus.grpc.server.enable-reflection-service} wins over {@code auto}.
 */
@Priority(Priorities.APPLICATION + 100)
public class ReflectionDefault implements ConfigSourceInterceptor {
    static final String REFLECTION = "quarkus.grpc.server.enable-reflection-service";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue v = context.proceed(name);
        if (!REFLECTION.equals(name)) {
            return v;
        }
        ConfigValue mode = context.restart("cloudprovisioner.security.reflection");
        String m = mode == null || mode.getValue() == null ? "auto" : mode.getValue().strip().toLowerCase(Locale.ROOT);
        String value;
        if (m.equals("true") || m.equals("false")) {
            value = m;
        } else if (v != null && v.getValue() != null && v.getSourceName() != null
                && !v.getSourceName().startsWith("DefaultValuesConfigSource")) {
            return v; // set explicitly
        } else {
            ConfigValue host = context.restart("quarkus.http.host");
            value = Boolean.toString(host == null || host.getValue() == null
                    || SecuritySettings.loopback(host.getValue()));
        }
        ConfigValue base = v != null ? v : ConfigValue.builder().withName(name).build();
        return base.withValue(value).withConfigSourceName("cloudprovisioner.security.reflection=" + m);
    }
}
