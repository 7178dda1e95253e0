//! Migration directories and migration-history tables of Prisma, sqlx, Flyway, golang-migrate, dbmate.
