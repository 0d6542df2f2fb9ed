package dev.optout.web;

import dev.optout.http.FormData;
import dev.optout.http.HttpRequest;
import dev.optout.token.LinkToken;

/**
 * A link page request that passed the {@link LinkPagePipeline}: an allowed method, a link that
 * opened, a readable form, and (for writes) the same-site and form-token gate.
 *
 * @param requestId Lambda's request id, for the logs (may be null)
 * @param http      the request
 * @param method    GET, POST, PUT
 * @param rawToken  the link's token as it was in the path
 * @param token     the opened token
 * @param form      the posted form (empty unless POST)
 * @param language  the page language ({@code ?lang=}, a posted {@code lang}, Accept-Language, the default)
 * @param answer    how the request is answered: a page, JSON, or the one-click plain text
 * @param formToken the form token this link's page forms carry
 * @param addressKey the address key, for logs (never the address)
 */
public record LinkPageRequest(String requestId, HttpRequest http, String method, String rawToken, LinkToken token,
                              FormData form, Language language, LinkPagePipeline.Answer answer, String formToken,
                              String addressKey) {
    public boolean json() {
        return answer == LinkPagePipeline.Answer.JSON;
    }
}
