// The app's own login code the README's controller calls.
import { Injectable } from "@nestjs/common";
import type { User } from "./generated/prisma/client.js";
import type { LoginDto } from "./login.dto.js";
import { PrismaService } from "./prisma.service.js";

@Injectable()
export class UsersService {
  constructor(private readonly prisma: PrismaService) {}

  /** The user with these credentials (a real app checks the password hash). */
  authenticate(body: LoginDto): Promise<User> {
    return this.prisma.user.findUniqueOrThrow({ where: { email: body.email } });
  }
}
