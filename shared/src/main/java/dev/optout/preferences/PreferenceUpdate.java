package dev.optout.preferences;

import dev.optout.suppression.Frequency;
import java.util.Map;
import java.util.Set;

/**
 * What a person asked for on the preference center (page form or JSON API). Absent entries mean
 * "leave as it is".
 *
 * @param topics          topic id to wanted (true) or not (false)
 * @param topicFrequency  topic id to frequency
 * @param sameAsOverall   topics whose own frequency is dropped, so they follow the overall one
 * @param frequency       overall frequency, or null
 * @param receiveMarketing false: opt out of all marketing mail; true: opt back in (lifts a global
 *                         opt-out); null: no change
 * @param version         the version of the state the form or the app was drawn from
 *                        ({@code AddressState#version}), or null: a save from an older version is
 *                        stale and changes nothing; without one, the save applies to whatever stands
 */
public record PreferenceUpdate(Map<String, Boolean> topics, Map<String, Frequency> topicFrequency, Set<String> sameAsOverall,
                               Frequency frequency, Boolean receiveMarketing, Long version) {
    public PreferenceUpdate {
        topics = topics == null ? Map.of() : Map.copyOf(topics);
        topicFrequency = topicFrequency == null ? Map.of() : Map.copyOf(topicFrequency);
        sameAsOverall = sameAsOverall == null ? Set.of() : Set.copyOf(sameAsOverall);
    }

    public PreferenceUpdate(Map<String, Boolean> topics, Map<String, Frequency> topicFrequency, Set<String> sameAsOverall,
                            Frequency frequency, Boolean receiveMarketing) {
        this(topics, topicFrequency, sameAsOverall, frequency, receiveMarketing, null);
    }

    public PreferenceUpdate(Map<String, Boolean> topics, Map<String, Frequency> topicFrequency, Frequency frequency,
                            Boolean receiveMarketing) {
        this(topics, topicFrequency, Set.of(), frequency, receiveMarketing);
    }
}
