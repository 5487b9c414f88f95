package io.cloudprovisioner.catalog;

/**
 * What a provider publishes about spot capacity of one type in one region, besides its price: the interruption
 * frequency as the provider states it (AWS Spot Instance Advisor ranges: {@code <5%}, {@code 5-10%},
 * {@code 10-15%}, {@code 15-20%}, {@code >20%}) and the saving against on-demand in percent (negative when spot
 * cost more). Not a price: never used to rank.
 *
 * @param source where the figures come from, with its date
 */
public record SpotAdvice(String interruptionFrequency, int savingsPercent, PriceSource source) {
}
