/**
 * The namespace of a session row that holds express-session's own fields (its `cookie`) when the
 * express-session bridge stores the session; the app's fields are plain top-level keys, as in a
 * native session.
 */
export const EXPRESS_SESSION_NAMESPACE = "express-session";
