/** The form field every POST carries the session's CSRF token in (`session.csrfToken()`). */
export const CSRF_FIELD = "_csrf";
