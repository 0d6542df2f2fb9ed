package dev.optout.check;

import java.util.List;

/** {@code {"results": [...], "summary": {"total": n, "allowed": a, "blocked": b}}} */
public record CheckResponse(List<CheckResult> results, Summary summary) {
    public record Summary(int total, int allowed, int blocked) {
    }

    public static CheckResponse of(List<CheckResult> results) {
        int allowed = (int) results.stream().filter(CheckResult::allowed).count();
        return new CheckResponse(results, new Summary(results.size(), allowed, results.size() - allowed));
    }
}
