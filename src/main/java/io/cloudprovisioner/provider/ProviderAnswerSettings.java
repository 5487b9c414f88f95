package io.cloudprovisioner.provider;

import io.smallrye.config.WithDefault;

/**
 * The limits {@link ProviderAnswers} holds one provider's answers to, as the group
 * {@code cloudprovisioner.<provider>.provider-answers.*} of that provider's settings. Every key defaults to the same
 * key under {@code cloudprovisioner.provider-answers.*} (values and their reasons in application.properties), so one
 * provider can be given, e.g., a larger page cap without repeating the rest.
 */
public interface ProviderAnswerSettings {
    /** Pages one listing may read; a listing that still names a next page after this many fails (UNAVAILABLE). */
    @WithDefault("${cloudprovisioner.provider-answers.max-pages}")
    int maxPages();

    /** Largest believable vCPU count of one machine type (a listed type must have more than 0 and at most this). */
    @WithDefault("${cloudprovisioner.provider-answers.max-vcpus}")
    int maxVcpus();

    /** Largest believable memory of one machine type in GiB (more than 0 and at most this). */
    @WithDefault("${cloudprovisioner.provider-answers.max-memory-gib}")
    double maxMemoryGib();

    /** Largest believable disk of one machine type in GiB (0, for no local disk, up to this). */
    @WithDefault("${cloudprovisioner.provider-answers.max-disk-gib}")
    double maxDiskGib();

    /** Largest believable GPU count of one machine type (0 up to this). */
    @WithDefault("${cloudprovisioner.provider-answers.max-gpus}")
    int maxGpus();

    /** Largest believable price of one machine type in USD per hour (0 up to this; per month: 730 times this). */
    @WithDefault("${cloudprovisioner.provider-answers.max-usd-per-hour}")
    double maxUsdPerHour();
}
