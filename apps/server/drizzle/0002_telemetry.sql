CREATE TABLE `flag_last_evaluated` (
	`environment_id` integer NOT NULL,
	`flag_key` text NOT NULL,
	`last_evaluated_at` integer NOT NULL,
	PRIMARY KEY(`environment_id`, `flag_key`),
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `flag_usage` (
	`environment_id` integer NOT NULL,
	`flag_key` text NOT NULL,
	`hour` integer NOT NULL,
	`variation` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`environment_id`, `flag_key`, `hour`, `variation`),
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `flag_usage_environment_hour` ON `flag_usage` (`environment_id`,`hour`);--> statement-breakpoint
CREATE TABLE `sdk_instances` (
	`environment_id` integer NOT NULL,
	`instance_id` text NOT NULL,
	`sdk_name` text NOT NULL,
	`sdk_version` text NOT NULL,
	`revision` integer NOT NULL,
	`key_kind` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`environment_id`, `instance_id`),
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "sdk_instances_key_kind" CHECK("sdk_instances"."key_kind" in ('server', 'client'))
);
--> statement-breakpoint
CREATE INDEX `sdk_instances_environment_seen` ON `sdk_instances` (`environment_id`,`last_seen_at`);