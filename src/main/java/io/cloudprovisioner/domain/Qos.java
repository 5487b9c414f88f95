package io.cloudprovisioner.domain;

/**
 * Quality-of-service hints.
 *
 * @param priority 0 (lowest) to 10
 * @param slaTarget availability fraction in [0, 1), 0 = none
 * @param reliabilityMultiplier how many times the bare requirement to provision, >= 1
 */
public record Qos(int priority, double slaTarget, double reliabilityMultiplier) {
    public static final Qos NONE = new Qos(0, 0, 1);
}
