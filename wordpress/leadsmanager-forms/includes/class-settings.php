<?php
/**
 * Settings → LeadsManager: the push's address, site name and secret; the forms recorded so far.
 */

namespace LeadsManager\Forms;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Settings {
	private const PAGE  = 'leadsmanager-forms';
	private const GROUP = 'leadsmanager_forms';
	// LeadsManager's site names (LEADSMANAGER_WORDPRESS_SITES).
	private const SITE_NAME  = '/^[a-z0-9][a-z0-9_]{0,39}$/';
	private const MIN_SECRET = 16;
	private const LOOPBACK   = array( 'localhost', '127.0.0.1', '[::1]' );

	public static function register( string $plugin_file ): void {
		add_action( 'admin_menu', array( self::class, 'menu' ) );
		add_action( 'admin_init', array( self::class, 'setting' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( $plugin_file ), array( self::class, 'links' ) );
	}

	public static function menu(): void {
		add_options_page( 'LeadsManager', 'LeadsManager', 'manage_options', self::PAGE, array( self::class, 'render' ) );
	}

	public static function setting(): void {
		// options.php checks the nonce settings_fields() prints and the manage_options capability.
		register_setting(
			self::GROUP,
			PUSH_OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( self::class, 'sanitize' ),
				'default'           => array(),
			)
		);
	}

	/**
	 * @param array<int|string, string> $links
	 * @return array<int|string, string>
	 */
	public static function links( $links ): array {
		$url = admin_url( 'options-general.php?page=' . self::PAGE );
		return array_merge( array( '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'leadsmanager-forms' ) . '</a>' ), (array) $links );
	}

	/**
	 * A value that does not pass keeps the one saved before, with a message saying why.
	 *
	 * @param mixed $input
	 * @return array{url: string, site: string, secret: string}
	 */
	public static function sanitize( $input ): array {
		$input = is_array( $input ) ? $input : array();
		$kept  = Push::settings();
		$url   = trim( (string) ( $input['url'] ?? '' ) );
		$site  = strtolower( trim( (string) ( $input['site'] ?? '' ) ) );
		$new   = trim( (string) ( $input['secret'] ?? '' ) );
		if ( '' === $url || self::acceptable_url( $url ) ) {
			$kept['url'] = '' === $url ? '' : esc_url_raw( $url, array( 'http', 'https' ) );
		} else {
			self::complain( 'url', __( 'The LeadsManager address must start with https:// (http:// only on this machine). It was not changed.', 'leadsmanager-forms' ) );
		}
		if ( '' === $site || preg_match( self::SITE_NAME, $site ) ) {
			$kept['site'] = $site;
		} else {
			self::complain( 'site', __( 'The site name must be 1-40 lower-case letters, digits or _, as in LEADSMANAGER_WORDPRESS_SITES. It was not changed.', 'leadsmanager-forms' ) );
		}
		if ( ! empty( $input['forget_secret'] ) ) {
			$kept['secret'] = '';
		} elseif ( '' !== $new && strlen( $new ) >= self::MIN_SECRET ) {
			$kept['secret'] = $new;
		} elseif ( '' !== $new ) {
			/* translators: %d: the least number of characters */
			self::complain( 'secret', sprintf( __( 'The secret must be at least %d characters long. It was not changed.', 'leadsmanager-forms' ), self::MIN_SECRET ) );
		}
		return $kept;
	}

	private static function acceptable_url( string $url ): bool {
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) || isset( $parts['query'] ) || isset( $parts['user'] ) ) {
			return false;
		}
		$scheme = strtolower( (string) ( $parts['scheme'] ?? '' ) );
		return 'https' === $scheme || ( 'http' === $scheme && in_array( strtolower( $parts['host'] ), self::LOOPBACK, true ) );
	}

	private static function complain( string $field, string $message ): void {
		add_settings_error( PUSH_OPTION, 'leadsmanager-' . $field, $message );
	}

	public static function render(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'You are not allowed to change these settings.', 'leadsmanager-forms' ) );
		}
		$settings = Push::settings();
		echo '<div class="wrap"><h1>' . esc_html__( 'LeadsManager', 'leadsmanager-forms' ) . '</h1>';
		self::render_form( $settings );
		self::render_push_status();
		self::render_forms();
		self::render_access();
		echo '</div>';
	}

	/**
	 * @param array{url: string, site: string, secret: string} $settings
	 */
	private static function render_form( array $settings ): void {
		echo '<h2>' . esc_html__( 'Push each submission', 'leadsmanager-forms' ) . '</h2>';
		echo '<p>' . esc_html__( 'Optional: LeadsManager also reads the submissions itself. Leave the address empty to only be read.', 'leadsmanager-forms' ) . '</p>';
		echo '<form method="post" action="' . esc_url( admin_url( 'options.php' ) ) . '">';
		settings_fields( self::GROUP );
		$name = PUSH_OPTION;
		echo '<table class="form-table" role="presentation"><tbody>';
		self::row(
			'url',
			__( 'LeadsManager address', 'leadsmanager-forms' ),
			'<input type="url" class="regular-text" id="leadsmanager-url" name="' . esc_attr( $name ) . '[url]" value="' . esc_attr( $settings['url'] ) . '" placeholder="https://leads.example.com">'
		);
		self::row(
			'site',
			__( 'Site name in LeadsManager', 'leadsmanager-forms' ),
			'<input type="text" class="regular-text" id="leadsmanager-site" name="' . esc_attr( $name ) . '[site]" value="' . esc_attr( $settings['site'] ) . '" pattern="[a-z0-9][a-z0-9_]{0,39}">'
		);
		$placeholder = '' === $settings['secret'] ? __( 'not set', 'leadsmanager-forms' ) : __( 'set: type a new one to replace it', 'leadsmanager-forms' );
		self::row(
			'secret',
			__( 'Webhook secret', 'leadsmanager-forms' ),
			'<input type="password" class="regular-text" id="leadsmanager-secret" name="' . esc_attr( $name ) . '[secret]" value="" autocomplete="new-password" placeholder="' . esc_attr( $placeholder ) . '">'
			// The variable's name is one long word: let it wrap on a phone rather than widen the page.
			. '<p class="description" style="overflow-wrap:anywhere">' . esc_html__( 'The same value as LEADSMANAGER_WORDPRESS_<SITE>_WEBHOOK_SECRET. It is never shown again.', 'leadsmanager-forms' ) . '</p>'
			. '<label><input type="checkbox" name="' . esc_attr( $name ) . '[forget_secret]" value="1"> ' . esc_html__( 'Forget the secret (stops pushing)', 'leadsmanager-forms' ) . '</label>'
		);
		echo '</tbody></table>';
		submit_button();
		echo '</form>';
	}

	/**
	 * @param string $html built only from escaped parts
	 */
	private static function row( string $field, string $label, string $html ): void {
		echo '<tr><th scope="row"><label for="leadsmanager-' . esc_attr( $field ) . '">' . esc_html( $label ) . '</label></th><td>';
		echo $html; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- every part was escaped where it was built.
		echo '</td></tr>';
	}

	private static function render_push_status(): void {
		$status = get_option( PUSH_STATUS_OPTION );
		if ( ! Push::enabled() ) {
			$text = __( 'Pushing is off.', 'leadsmanager-forms' );
		} elseif ( ! is_array( $status ) ) {
			/* translators: %s: the address submissions are pushed to */
			$text = sprintf( __( 'Pushing to %s; nothing pushed yet.', 'leadsmanager-forms' ), Push::endpoint() );
		} else {
			$text = sprintf(
				/* translators: 1: the address, 2: a date and time, 3: ok or failed, 4: what happened */
				__( 'Pushing to %1$s. Last push %2$s UTC: %3$s (%4$s).', 'leadsmanager-forms' ),
				Push::endpoint(),
				gmdate( 'Y-m-d H:i:s', (int) $status['at'] ),
				$status['ok'] ? __( 'ok', 'leadsmanager-forms' ) : __( 'failed', 'leadsmanager-forms' ),
				(string) $status['detail']
			);
		}
		echo '<p>' . esc_html( $text ) . '</p>';
	}

	private static function render_forms(): void {
		echo '<h2>' . esc_html__( 'Forms recorded', 'leadsmanager-forms' ) . '</h2>';
		$forms = Store::forms();
		if ( ! $forms ) {
			echo '<p>' . esc_html__( 'No submission recorded yet. Each form appears here after its first submission.', 'leadsmanager-forms' ) . '</p>';
			return;
		}
		echo '<table class="widefat striped"><thead><tr>';
		foreach ( array( __( 'Form id (for _FORMS)', 'leadsmanager-forms' ), __( 'Form plugin', 'leadsmanager-forms' ), __( 'Submissions', 'leadsmanager-forms' ), __( 'Last (UTC)', 'leadsmanager-forms' ) ) as $heading ) {
			echo '<th scope="col">' . esc_html( $heading ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $forms as $form ) {
			echo '<tr><td><code>' . esc_html( $form->form_id ) . '</code></td><td>' . esc_html( $form->source ) . '</td><td>'
				. esc_html( number_format_i18n( (int) $form->submissions ) ) . '</td><td>' . esc_html( $form->last_at ) . '</td></tr>';
		}
		echo '</tbody></table>';
	}

	private static function render_access(): void {
		echo '<h2>' . esc_html__( 'Access for the LeadsManager sync', 'leadsmanager-forms' ) . '</h2><p>';
		printf(
			/* translators: 1: a role, 2: a capability */
			esc_html__( 'Give a dedicated user the role "%1$s" (it holds only the capability %2$s), then create an application password for it under Users → Profile.', 'leadsmanager-forms' ),
			esc_html( 'LeadsManager sync' ),
			'<code>' . esc_html( CAPABILITY ) . '</code>'
		);
		echo '</p><p><code>' . esc_html( rest_url( 'leadsmanager/v1/forms/{form_id}/submissions' ) ) . '</code></p>';
	}
}
