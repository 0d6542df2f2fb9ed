package dev.optout.topic;

/** A request named a topic the catalog does not offer. */
public final class UnknownTopicException extends RuntimeException {
    private final String topicId;

    public UnknownTopicException(String topicId, Iterable<String> known) {
        super("unknown topic '" + topicId + "'; the catalog offers: " + String.join(", ", known));
        this.topicId = topicId;
    }

    public String topicId() {
        return topicId;
    }
}
