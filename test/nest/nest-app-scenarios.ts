import { createHash } from "node:crypto";
import type { INestApplication } from "@nestjs/common";
import request from "supertest";
import { sessionCookie } from "./session-cookie.js";

/** A running Nest test app (serving {@link SessionTestController}) on a real database. */
export interface NestAppFixture {
  app: INestApplication;
  /** Ids of the stored session rows. */
  sessionIds(): Promise<string[]>;
  /** The id of the user with this email. */
  userId(email: string): Promise<number>;
  close(): Promise<void>;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * The end-to-end scenarios every Nest app passes: login, typed `@CurrentUser()`, the guard, data
 * between requests, logout. The database holds users ada@example.com and grace@example.com.
 */
export function describeNestSessionApp(name: string, open: () => Promise<NestAppFixture>): void {
  describe(name, () => {
    let fixture: NestAppFixture;
    const http = () => request(fixture.app.getHttpServer());

    beforeAll(async () => {
      fixture = await open();
    });
    afterAll(async () => {
      await fixture?.close();
    });

    it("logs in, and @CurrentUser() is the user's row on the next request", async () => {
      const login = await http().post("/login").send({ email: "ada@example.com" });
      expect(login.status).toBe(204);
      const cookie = sessionCookie(login);
      const me = await http().get("/me").set("Cookie", cookie);
      expect(me.body.user).toMatchObject({ id: await fixture.userId("ada@example.com"), email: "ada@example.com" });
      const token = decodeURIComponent(cookie.split("=")[1]!).split(".")[0]!;
      const ids = await fixture.sessionIds();
      expect(ids).toContain(sha256(token));
      expect(ids).not.toContain(token);
    });

    it("is anonymous without a cookie: @CurrentUser() is null and nothing is stored", async () => {
      const before = (await fixture.sessionIds()).length;
      const me = await http().get("/me");
      expect(me.body).toEqual({ user: null });
      expect(me.headers["set-cookie"]).toBeUndefined();
      expect(await fixture.sessionIds()).toHaveLength(before);
    });

    it("guards routes: 401 for anonymous requests, the row for logged-in ones", async () => {
      expect((await http().get("/account")).status).toBe(401);
      expect((await http().get("/account/sessions")).status).toBe(401);
      const cookie = sessionCookie(await http().post("/login").send({ email: "grace@example.com" }));
      const account = await http().get("/account").set("Cookie", cookie);
      expect(account.status).toBe(200);
      expect(account.body).toMatchObject({ id: await fixture.userId("grace@example.com"), email: "grace@example.com" });
      const sessions = await http().get("/account/sessions").set("Cookie", cookie);
      expect(sessions.body.ids).toContain(sessions.body.current);
    });

    it("keeps session data between requests", async () => {
      const cookie = sessionCookie(await http().post("/cart/apple"));
      await http().post("/cart/pear").set("Cookie", cookie).expect(201);
      expect((await http().get("/cart").set("Cookie", cookie)).body).toEqual({ cart: ["apple", "pear"] });
      expect((await http().get("/cart")).body).toEqual({ cart: [] });
    });

    it("logout destroys the session row and clears the cookie", async () => {
      const cookie = sessionCookie(await http().post("/login").send({ email: "ada@example.com" }));
      const before = await fixture.sessionIds();
      const logout = await http().post("/logout").set("Cookie", cookie);
      expect(logout.status).toBe(204);
      expect(logout.headers["set-cookie"]?.[0]).toMatch(/^__Host-sessionrow=;.*Expires=Thu, 01 Jan 1970/);
      expect(await fixture.sessionIds()).toHaveLength(before.length - 1);
      expect((await http().get("/account").set("Cookie", cookie)).status).toBe(401);
    });
  });
}
