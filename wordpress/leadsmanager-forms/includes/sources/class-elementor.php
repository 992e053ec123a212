<?php
/**
 * Elementor Pro forms: `elementor_pro/forms/new_record( $record, $ajax_handler )`. The record's
 * fields are keyed by each field's custom id, with a `title` (its label) and a `value` (a list
 * already joined by ", ").
 */

namespace LeadsManager\Forms\Sources;

use LeadsManager\Forms\Fields;
use LeadsManager\Forms\Store;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Elementor {
	public const SOURCE = 'elementor';
	public const PREFIX = 'elementor-';
	// Fields that hold no answer, or one that must not leave the site.
	private const SKIPPED = array( 'honeypot', 'html', 'password', 'recaptcha', 'recaptcha_v3', 'step' );

	public static function register(): void {
		add_action( 'elementor_pro/forms/new_record', array( self::class, 'new_record' ), 30, 2 );
	}

	/**
	 * @param \ElementorPro\Modules\Forms\Classes\Form_Record $record
	 */
	public static function new_record( $record = null, $ajax_handler = null ): void {
		Store::capture( self::SOURCE, static fn (): ?array => self::read( $record ) );
	}

	/**
	 * @return ?array{0: string, 1: null, 2: Fields}
	 */
	private static function read( mixed $record ): ?array {
		if ( ! is_object( $record ) || ! method_exists( $record, 'get' ) || ! method_exists( $record, 'get_form_settings' ) ) {
			return null;
		}
		// The form widget's element id, which Elementor posts as `form_id` with each submission.
		$form_id = preg_replace( '/[^A-Za-z0-9_-]/', '', (string) $record->get_form_settings( 'id' ) );
		$fields  = new Fields();
		foreach ( (array) $record->get( 'fields' ) as $key => $field ) {
			if ( is_array( $field ) && ! in_array( $field['type'] ?? '', self::SKIPPED, true ) ) {
				$fields->add( (string) ( $field['title'] ?? '' ), (string) ( $field['id'] ?? $key ), $field['value'] ?? '' );
			}
		}
		return '' === $form_id ? null : array( self::PREFIX . $form_id, null, $fields );
	}

	/**
	 * Elementor keeps its forms inside each page's content: any well-formed id may be one.
	 */
	public static function form_exists( string $id ): bool {
		return (bool) preg_match( '/^[A-Za-z0-9_-]{1,80}$/', $id );
	}
}
