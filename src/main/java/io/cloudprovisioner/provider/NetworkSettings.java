package io.cloudprovisioner.provider;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * What every adapter opens and installs on the instances it creates: inbound ports and the CIDRs they are open to
 * (the provider's firewall / security group / NSG), and the SSH public key. Narrow the CIDRs in production.
 */
@ConfigMapping(prefix = "cloudprovisioner.network")
public interface NetworkSettings {
    /** TCP ports opened inbound. */
    @WithDefault("22")
    List<Integer> ingressPorts();

    /** Source CIDRs the ports are open to. */
    @WithDefault("0.0.0.0/0")
    List<String> ingressCidrs();

    /**
     * SSH public key (OpenSSH format) installed for the login user. Empty: the service's own deployment key
     * (io.cloudprovisioner.deployment.ServiceKeys fills it in), or none with
     * cloudprovisioner.deployment.install-service-key=false.
     */
    Optional<String> sshPublicKey();

    /** Login user name where the provider lets us choose it (Azure, GCP metadata). */
    @WithDefault("cloudprovisioner")
    String sshUser();
}
