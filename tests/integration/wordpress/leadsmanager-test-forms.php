<?php
/**
 * Test mu-plugin: stands in for the four form plugins. A visitor's POST to admin-ajax.php
 * (action=leadsmanager_test_submit, source=..., payload=<JSON>) fires the hook the named plugin fires
 * after a submission, with the arguments it passes, built as each builds them (minimal stand-in classes
 * where the real plugin passes its own objects). Nothing here may be installed on a real site.
 */

namespace {
	final class WPCF7_ContactForm {
		public function __construct( private int $id ) {}

		public function id(): int {
			return $this->id;
		}
	}

	final class WPCF7_Submission {
		private static ?self $instance = null;

		/**
		 * @param array<string, mixed> $posted_data
		 * @param array<string, mixed> $meta
		 */
		public function __construct( private array $posted_data, private array $meta ) {
			self::$instance = $this;
		}

		public static function get_instance(): ?self {
			return self::$instance;
		}

		public function get_posted_data( string $name = '' ): mixed {
			return '' === $name ? $this->posted_data : ( $this->posted_data[ $name ] ?? null );
		}

		public function get_meta( string $name ): mixed {
			return $this->meta[ $name ] ?? null;
		}
	}

	// Gravity Forms hands over its fields as GF_Field objects (properties, plus ArrayAccess).
	class GF_Field extends stdClass {
		/** @param array<string, mixed> $properties */
		public function __construct( array $properties ) {
			foreach ( $properties as $name => $value ) {
				$this->$name = $value;
			}
		}
	}

	/**
	 * Formidable saves the entry and its values (arrays serialized), then fires its hook.
	 *
	 * @param array{form_id: int, metas: array<string, mixed>, draft?: bool} $payload
	 */
	function leadsmanager_test_formidable( array $payload ): void {
		global $wpdb;
		$now = current_time( 'mysql', true );
		$wpdb->insert( "{$wpdb->prefix}frm_items", array( 'item_key' => wp_generate_password( 8, false ), 'form_id' => $payload['form_id'], 'is_draft' => empty( $payload['draft'] ) ? 0 : 1, 'created_at' => $now, 'updated_at' => $now ) );
		$entry_id = $wpdb->insert_id;
		foreach ( $payload['metas'] as $field_id => $value ) {
			$wpdb->insert( "{$wpdb->prefix}frm_item_metas", array( 'meta_value' => maybe_serialize( $value ), 'field_id' => (int) $field_id, 'item_id' => $entry_id, 'created_at' => $now ) );
		}
		do_action( 'frm_after_create_entry', $entry_id, $payload['form_id'], array( 'is_child' => false ) );
	}

	/** @param array{form: array<string, mixed>, entry: array<string, mixed>} $payload */
	function leadsmanager_test_gravity_forms( array $payload ): void {
		$form           = $payload['form'];
		$form['fields'] = array_map( static fn ( array $field ) => new GF_Field( $field ), $form['fields'] );
		do_action( 'gform_after_submission', $payload['entry'], $form );
	}

	/** @param array{form: int, posted: array<string, mixed>, abort?: bool, do_not_store?: bool} $payload */
	function leadsmanager_test_contact_form_7( array $payload ): void {
		$abort      = ! empty( $payload['abort'] );
		$submission = new WPCF7_Submission( $payload['posted'], array( 'do_not_store' => ! empty( $payload['do_not_store'] ) ) );
		// CF7 5.2+: the form, $abort by reference, the submission.
		do_action_ref_array( 'wpcf7_before_send_mail', array( new WPCF7_ContactForm( $payload['form'] ), &$abort, $submission ) );
	}

	/** @param array{settings: array<string, string>, fields: array<string, array<string, mixed>>} $payload */
	function leadsmanager_test_elementor( array $payload ): void {
		$record = new \ElementorPro\Modules\Forms\Classes\Form_Record( $payload['fields'], $payload['settings'] );
		do_action( 'elementor_pro/forms/new_record', $record, new \ElementorPro\Modules\Forms\Classes\Ajax_Handler() );
	}

	function leadsmanager_test_submit(): void {
		$payload = json_decode( wp_unslash( $_POST['payload'] ?? '' ), true );
		$fire    = array(
			'formidable'   => 'leadsmanager_test_formidable',
			'gravityforms' => 'leadsmanager_test_gravity_forms',
			'cf7'          => 'leadsmanager_test_contact_form_7',
			'elementor'    => 'leadsmanager_test_elementor',
		)[ $_POST['source'] ?? '' ] ?? null;
		if ( null === $fire || ! is_array( $payload ) ) {
			wp_send_json_error( 'unknown source or payload', 400 );
		}
		$fire( $payload );
		// As the form plugins do: the visitor's answer, then WordPress shuts down (and pushes).
		wp_send_json_success( 'sent' );
	}

	add_action( 'wp_ajax_nopriv_leadsmanager_test_submit', 'leadsmanager_test_submit' );
	add_action( 'wp_ajax_leadsmanager_test_submit', 'leadsmanager_test_submit' );
}

namespace ElementorPro\Modules\Forms\Classes {
	// Elementor Pro's record: fields keyed by custom id, each with its type, title and value.
	final class Form_Record {
		/**
		 * @param array<string, array<string, mixed>> $fields
		 * @param array<string, string>               $form_settings
		 */
		public function __construct( private array $fields, private array $form_settings ) {}

		public function get( string $property ): mixed {
			return 'fields' === $property ? $this->fields : null;
		}

		public function get_form_settings( string $setting ): mixed {
			return $this->form_settings[ $setting ] ?? null;
		}
	}

	final class Ajax_Handler {
		public bool $is_success = true;
	}
}
