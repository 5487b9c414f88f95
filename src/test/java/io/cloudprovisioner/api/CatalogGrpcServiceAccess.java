package io.cloudprovisioner.api;

import io.cloudprovisioner.api.v1.LiveRefresh;
import io.cloudprovisioner.catalog.RefreshStatus;

/** Opens CatalogGrpcService's package-private mappings to tests in other packages. */
public final class CatalogGrpcServiceAccess {
    private CatalogGrpcServiceAccess() {
    }

    public static LiveRefresh liveRefresh(RefreshStatus s) {
        return CatalogGrpcService.liveRefresh(s);
    }
}
