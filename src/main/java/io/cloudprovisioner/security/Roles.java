package io.cloudprovisioner.security;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The service's roles. Each includes the ones below it: {@code admin} ⊃ {@code operator} ⊃ {@code viewer}
 * ({@link RoleAugmentor} adds the implied ones to every identity, so an RPC names only the least role it needs).
 */
public final class Roles {
    /** Catalog, mapping, estimates, selection, reading one's own instances. */
    public static final String VIEWER = "viewer";
    /** Provision, deploy, terminate, clean up one's own instances; includes viewer. */
    public static final String OPERATOR = "operator";
    /** Everything, every caller's records, Reconcile; includes operator. */
    public static final String ADMIN = "admin";

    private Roles() {
    }

    /** {@code roles} plus the roles they include. */
    public static Set<String> withImplied(Set<String> roles) {
        Set<String> out = new LinkedHashSet<>();
        for (String r : roles) {
            out.add(r);
            switch (r.toLowerCase(Locale.ROOT)) {
                case ADMIN -> {
                    out.add(OPERATOR);
                    out.add(VIEWER);
                }
                case OPERATOR -> out.add(VIEWER);
                default -> {
                }
            }
        }
        return out;
    }
}
