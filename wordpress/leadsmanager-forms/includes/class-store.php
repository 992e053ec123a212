<?php
/**
 * The plugin's own table: one row per submission, whose auto-increment id is the contract's `id`.
 */

namespace LeadsManager\Forms;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Store {
	public const SCHEMA_VERSION = '1';
	// An insert still committing may hold a lower id than rows already visible: serve only rows
	// this old, so the sync's cursor does not pass a row that appears a moment later.
	public const SETTLE_SECONDS = 10;
	// LeadsManager refuses responses above 5 MB; a page stops short of that, whatever per_page says.
	public const MAX_PAGE_BYTES = 4000000;
	public const FORM_ID = '/^[A-Za-z0-9_-]{1,100}$/';

	public static function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'leadsmanager_submissions';
	}

	public static function install(): void {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$table = self::table();
		// dbDelta's format: one column per line, two spaces after PRIMARY KEY, named keys.
		dbDelta(
			"CREATE TABLE {$table} (
			id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
			form_id varchar(100) NOT NULL,
			source varchar(20) NOT NULL,
			entry_key varchar(100) DEFAULT NULL,
			created_at datetime NOT NULL,
			fields longtext NOT NULL,
			PRIMARY KEY  (id),
			KEY form_id (form_id,id),
			UNIQUE KEY entry (form_id,entry_key)
			) {$wpdb->get_charset_collate()};"
		);
		update_option( DB_VERSION_OPTION, self::SCHEMA_VERSION, false );
	}

	public static function uninstall(): void {
		global $wpdb;
		$wpdb->query( 'DROP TABLE IF EXISTS ' . self::table() ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- a table name, not input.
	}

	/**
	 * Records what a form plugin's hook hands over, never breaking that form: any failure is logged
	 * and the visitor's submission goes on as if this plugin were not there.
	 *
	 * @param callable(): ?array{0: string, 1: ?string, 2: Fields} $read the form id, the form
	 *        plugin's own entry id (null when it has none) and the fields; null to record nothing.
	 */
	public static function capture( string $source, callable $read ): void {
		try {
			$read_out = $read();
			if ( null !== $read_out ) {
				self::record( $source, ...$read_out );
			}
		} catch ( \Throwable $e ) {
			// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- the site's own log.
			error_log( sprintf( 'LeadsManager Forms: a %s submission was not recorded: %s', $source, $e->getMessage() ) );
		}
	}

	/**
	 * Stores one submission; the same entry of a form plugin, handed over twice (another plugin
	 * firing the hook again), is stored once.
	 */
	public static function record( string $source, string $form_id, ?string $entry_key, Fields $fields ): ?int {
		global $wpdb;
		if ( ! preg_match( self::FORM_ID, $form_id ) ) {
			return null;
		}
		$created_at = gmdate( 'Y-m-d H:i:s' );
		$values     = $fields->to_array();
		// prepare() turns null into '': without an entry id the key must be NULL, which never collides.
		$key_sql    = null === $entry_key ? 'NULL' : '%s';
		$arguments  = array_merge(
			array( $form_id, $source ),
			null === $entry_key ? array() : array( substr( $entry_key, 0, 100 ) ),
			array( $created_at, wp_json_encode( (object) $values, JSON_UNESCAPED_UNICODE ) )
		);
		$inserted   = $wpdb->query(
			$wpdb->prepare(
				'INSERT IGNORE INTO ' . self::table() // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- the table name.
				. " (form_id, source, entry_key, created_at, fields) VALUES (%s, %s, {$key_sql}, %s, %s)",
				$arguments
			)
		);
		if ( 1 !== $inserted ) {
			return null;
		}
		$id = (int) $wpdb->insert_id;
		/**
		 * A submission was recorded: the signed push listens here.
		 *
		 * @param string $form_id    The contract's form id ("frm-3", "cf7-57", ...).
		 * @param array  $submission `id`, `created_at` and `fields`, as the contract serves them.
		 */
		do_action( 'leadsmanager_forms_recorded', $form_id, self::submission( $id, $created_at, $values ) );
		return $id;
	}

	/**
	 * One page of a form's submissions after `$after_id`, ids ascending.
	 *
	 * @return array{submissions: list<array<string, mixed>>, has_more: bool}
	 */
	public static function page( string $form_id, int $after_id, int $per_page ): array {
		global $wpdb;
		$settled = gmdate( 'Y-m-d H:i:s', time() - self::SETTLE_SECONDS );
		// One row more than asked tells whether there is a next page.
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				'SELECT id, created_at, fields FROM ' . self::table() // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- the table name.
				. ' WHERE form_id = %s AND id > %d AND created_at <= %s ORDER BY id ASC LIMIT %d',
				$form_id,
				$after_id,
				$settled,
				$per_page + 1
			)
		);
		$submissions = array();
		$bytes       = 0;
		foreach ( array_slice( (array) $rows, 0, $per_page ) as $row ) {
			$decoded    = json_decode( (string) $row->fields, true );
			$submission = self::submission( (int) $row->id, (string) $row->created_at, is_array( $decoded ) ? $decoded : array() );
			$bytes     += strlen( (string) wp_json_encode( $submission ) );
			if ( $submissions && $bytes > self::MAX_PAGE_BYTES ) {
				return array( 'submissions' => $submissions, 'has_more' => true );
			}
			$submissions[] = $submission;
		}
		return array( 'submissions' => $submissions, 'has_more' => count( (array) $rows ) > $per_page );
	}

	public static function has_rows( string $form_id ): bool {
		global $wpdb;
		$sql = 'SELECT 1 FROM ' . self::table() . ' WHERE form_id = %s LIMIT 1'; // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- the table name.
		return null !== $wpdb->get_var( $wpdb->prepare( $sql, $form_id ) );
	}

	/**
	 * Each form recorded so far, for the settings page.
	 *
	 * @return list<object{form_id: string, source: string, submissions: string, last_at: string}>
	 */
	public static function forms(): array {
		global $wpdb;
		$sql = 'SELECT form_id, source, COUNT(*) AS submissions, MAX(created_at) AS last_at FROM ' . self::table()
			. ' GROUP BY form_id, source ORDER BY form_id LIMIT %d';
		return (array) $wpdb->get_results( $wpdb->prepare( $sql, 500 ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- the table name.
	}

	/**
	 * @param array<string, string> $fields
	 * @return array{id: string, created_at: string, fields: object}
	 */
	private static function submission( int $id, string $created_at, array $fields ): array {
		return array(
			'id'         => (string) $id,
			'created_at' => str_replace( ' ', 'T', $created_at ) . 'Z',
			// An object even when empty: [] would be encoded as a JSON list.
			'fields'     => (object) $fields,
		);
	}
}
