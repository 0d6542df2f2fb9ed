package dev.optout.web;

/**
 * A rendered page and the Content-Security-Policy it needs (its inline style's hash).
 *
 * @param html                  the whole document
 * @param contentSecurityPolicy the policy to send with it
 */
public record Page(String html, String contentSecurityPolicy) {
}
