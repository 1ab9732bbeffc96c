import { NestFactory } from "@nestjs/core";
import type { AddressInfo } from "node:net";
import { AppModule } from "./app.module";

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ["error"] });
  await app.listen(0, "127.0.0.1");
  console.log(`listening ${(app.getHttpServer().address() as AddressInfo).port}`);
}
bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
