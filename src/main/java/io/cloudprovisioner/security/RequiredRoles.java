package io.cloudprovisioner.security;

import io.cloudprovisioner.api.BlueprintGrpcService;
import io.cloudprovisioner.api.CatalogGrpcService;
import io.cloudprovisioner.api.ProvisioningGrpcService;
import io.cloudprovisioner.api.v1.BlueprintServiceGrpc;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import jakarta.annotation.security.RolesAllowed;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The least role each RPC needs, read from the {@link RolesAllowed} annotations of the service classes (the one
 * place they are declared): used to name the missing role in PERMISSION_DENIED and to tell mutating RPCs
 * (operator or admin) for the audit log.
 */
public final class RequiredRoles {
    private static final List<String> ORDER = List.of(Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN);
    private static final Map<String, String> BY_METHOD = build();

    private RequiredRoles() {
    }

    private static Map<String, String> build() {
        Map<String, String> out = new HashMap<>();
        add(out, CatalogServiceGrpc.getServiceDescriptor(), CatalogGrpcService.class);
        add(out, ProvisioningServiceGrpc.getServiceDescriptor(), ProvisioningGrpcService.class);
        add(out, BlueprintServiceGrpc.getServiceDescriptor(), BlueprintGrpcService.class);
        return Map.copyOf(out);
    }

    private static void add(Map<String, String> out, ServiceDescriptor service, Class<?> impl) {
        for (MethodDescriptor<?, ?> m : service.getMethods()) {
            String bare = m.getBareMethodName();
            String java = Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
            for (Method method : impl.getDeclaredMethods()) {
                RolesAllowed ra = method.getAnnotation(RolesAllowed.class);
                if (method.getName().equals(java) && ra != null) {
                    // the least of the allowed roles (they are cumulative)
                    Arrays.stream(ra.value()).filter(ORDER::contains).min((a, b) -> ORDER.indexOf(a)
                            - ORDER.indexOf(b)).ifPresent(r -> out.put(m.getFullMethodName(), r));
                }
            }
        }
    }

    /** The least role {@code fullMethodName} needs; empty for RPCs outside the three services (health, reflection). */
    public static Optional<String> of(String fullMethodName) {
        return Optional.ofNullable(BY_METHOD.get(fullMethodName));
    }

    /** Whether the RPC changes something (it needs operator or admin). */
    public static boolean mutating(String fullMethodName) {
        String r = BY_METHOD.get(fullMethodName);
        return Roles.OPERATOR.equals(r) || Roles.ADMIN.equals(r);
    }

    /** Every RPC of the three services with its least role (for tests and docs). */
    public static Map<String, String> all() {
        return BY_METHOD;
    }
}
