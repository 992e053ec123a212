<?php
/**
 * Formidable Forms: `frm_after_create_entry( $entry_id, $form_id, $args )`, fired once the entry and
 * its values are saved. The values are read back from Formidable's tables, named by field label.
 */

namespace LeadsManager\Forms\Sources;

use LeadsManager\Forms\Fields;
use LeadsManager\Forms\Store;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Formidable {
	public const SOURCE = 'formidable';
	public const PREFIX = 'frm-';
	// Fields that hold no answer, or one that must not leave the site.
	private const SKIPPED = array( 'break', 'captcha', 'credit_card', 'divider', 'end_divider', 'form', 'html', 'password', 'submit', 'summary' );

	public static function register(): void {
		add_action( 'frm_after_create_entry', array( self::class, 'entry_created' ), 30, 3 );
	}

	/**
	 * @param int|string          $entry_id
	 * @param int|string          $form_id
	 * @param array<string, bool> $args `is_child` for an entry of an embedded form or repeater,
	 *                                  which belongs to its parent's submission.
	 */
	public static function entry_created( $entry_id = 0, $form_id = 0, $args = array() ): void {
		if ( is_array( $args ) && ! empty( $args['is_child'] ) ) {
			return;
		}
		Store::capture( self::SOURCE, static fn (): ?array => self::read( (int) $entry_id, (int) $form_id ) );
	}

	/**
	 * @return ?array{0: string, 1: string, 2: Fields}
	 */
	private static function read( int $entry_id, int $form_id ): ?array {
		global $wpdb;
		$entry = $wpdb->get_row(
			$wpdb->prepare( "SELECT is_draft, parent_item_id FROM {$wpdb->prefix}frm_items WHERE id = %d", $entry_id )
		);
		// A draft is recorded when it is submitted: Formidable fires the hook again then.
		if ( ! $entry || 0 !== (int) $entry->is_draft || 0 !== (int) $entry->parent_item_id ) {
			return null;
		}
		$values = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT f.field_key, f.name, f.type, m.meta_value FROM {$wpdb->prefix}frm_item_metas m"
				. " JOIN {$wpdb->prefix}frm_fields f ON f.id = m.field_id WHERE m.item_id = %d ORDER BY f.field_order, f.id",
				$entry_id
			)
		);
		$fields = new Fields();
		foreach ( (array) $values as $value ) {
			if ( in_array( $value->type, self::SKIPPED, true ) ) {
				continue;
			}
			$answer = Fields::unserialized( $value->meta_value );
			if ( 'file' === $value->type ) {
				$answer = array_map( 'wp_get_attachment_url', array_map( 'intval', (array) $answer ) );
			}
			$fields->add( (string) $value->name, (string) $value->field_key, $answer, 'name' === $value->type ? ' ' : ', ' );
		}
		return array( self::PREFIX . $form_id, (string) $entry_id, $fields );
	}

	public static function form_exists( string $id ): bool {
		global $wpdb;
		$forms = $wpdb->prefix . 'frm_forms';
		if ( ! ctype_digit( $id ) || $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $forms ) ) ) !== $forms ) {
			return false;
		}
		return null !== $wpdb->get_var( $wpdb->prepare( "SELECT id FROM {$forms} WHERE id = %d", (int) $id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the table name.
	}
}
